"""Reads for accounts that return ready-to-serialise querysets."""

from django.db.models import Q, QuerySet

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
