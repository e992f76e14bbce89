"""Reads for accounts that return ready-to-serialise querysets."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User

SEARCH_LIMIT = 20


def user_search(*, viewer: User, q: str | None = None, phone: str | None = None) -> QuerySet:
    """Active users other than ``viewer`` by exact phone, or username prefix / name words."""
    users = User.objects.filter(is_active=True).exclude(pk=viewer.pk)
    if phone is not None:
        return users.filter(phone=phone)[:SEARCH_LIMIT]
    words = q.split()
    condition = Q(username__startswith=q.strip().lower())
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(display_name__icontains=word)
        condition |= by_name
    return users.filter(condition).order_by("username")[:SEARCH_LIMIT]


def blocked_users(*, user: User) -> QuerySet:
    """The users ``user`` blocks, most recently blocked first."""
    return User.objects.filter(blocks_received__blocker=user).order_by(
        "-blocks_received__created_at"
    )


def blocked_between(user_id, other_ids) -> set:
    """The ids among ``other_ids`` that block ``user_id`` or that ``user_id`` blocks."""
    from accounts.models import Block

    other_ids = list(other_ids)
    if not other_ids:
        return set()
    pairs = Block.objects.filter(
        Q(blocker_id=user_id, blocked_id__in=other_ids)
        | Q(blocked_id=user_id, blocker_id__in=other_ids)
    ).values_list("blocker_id", "blocked_id")
    me = str(user_id)
    return {blocked if str(blocker) == me else blocker for blocker, blocked in pairs}


def block_exists_with(user_id) -> Exists:
    """Annotation for rows with a ``user_id`` column: does a block stand between that user
    and ``user_id``, in either direction? (Lets a member query answer it in one go.)"""
    from accounts.models import Block

    return Exists(
        Block.objects.filter(
            Q(blocker_id=user_id, blocked_id=OuterRef("user_id"))
            | Q(blocker_id=OuterRef("user_id"), blocked_id=user_id)
        )
    )
