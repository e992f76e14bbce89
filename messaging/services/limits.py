"""The send limit: 30 messages in 10 s per person, shared by every process and door."""

from django.conf import settings

from core import throttling
from core.errors import Throttled


def send_limit_check(*, user) -> None:
    """Count one send by ``user``; Throttled when over the limit (off with TETHER_THROTTLE).

    Retries of a stored ``client_id`` never get here: they are answered before any rule.
    """
    if not settings.TETHER_THROTTLE:
        return
    limit, window = settings.TETHER_RATE_LIMITS["message_send"]
    wait = throttling.hit(f"message_send:user:{user.pk}", limit, window)
    if wait is not None:
        raise Throttled(wait=wait)
