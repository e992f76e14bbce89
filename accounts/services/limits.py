"""Per-person request limits of the accounts area, shared by every process."""

from django.conf import settings

from core import throttling
from core.errors import Throttled


def phone_lookup_check(*, user) -> None:
    """Count one ``?phone=`` lookup by ``user``: 30 a minute, so nobody walks the number
    space to learn who uses Tether. Off with TETHER_THROTTLE=off."""
    if not settings.TETHER_THROTTLE:
        return
    limit, window = settings.TETHER_RATE_LIMITS["phone_lookup"]
    wait = throttling.hit(f"phone_lookup:user:{user.pk}", limit, window)
    if wait is not None:
        raise Throttled(wait=wait)
