"""Reads for accounts that return ready-to-serialise querysets."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import AuthSession, User
from accounts.privacy import found_by_phone

SEARCH_LIMIT = 20


def user_search(*, viewer: User, q: str | None = None, phone: str | None = None) -> QuerySet:
    """Active users other than ``viewer`` by exact phone, or username prefix / name words.

    By phone, someone who chose ``phone_discovery: nobody`` is found only by people who
    already share a chat with them."""
    users = User.objects.filter(is_active=True).exclude(pk=viewer.pk)
    if phone is not None:
        found = users.filter(phone=phone).first()
        if found is None or not found_by_phone(found, viewer.pk):
            return users.none()
        return users.filter(pk=found.pk)
    words = q.split()
    condition = Q(username__startswith=User.normalize_username(q.strip()))
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


def user_visible(*, user_id) -> User | None:
    """A user as others may look them up: active accounts, and deleted ones (which read as
    "Deleted account"); deactivated accounts are gone. None if there is no such user."""
    return User.objects.filter(Q(is_active=True) | Q(deleted_at__isnull=False), pk=user_id).first()


def user_find(*, user_id=None, username: str | None = None) -> User | None:
    """The account with ``user_id`` or ``username`` (any case), active or not."""
    if user_id is not None:
        return User.objects.filter(pk=user_id).first()
    return User.objects.filter(username=User.normalize_username(username or "")).first()


def user_last_seen(*, user_id):
    return User.objects.filter(pk=user_id).values_list("last_seen", flat=True).first()


def session_list_live(*, user: User) -> QuerySet:
    """``user``'s sign-ins that have not ended (revoked, or past their maximum age), the
    most recently used first."""
    oldest = timezone.now() - timedelta(days=settings.TETHER_SESSION_MAX_DAYS)
    live = AuthSession.objects.filter(user=user, revoked_at__isnull=True, created_at__gt=oldest)
    return live.order_by("-last_used_at")
