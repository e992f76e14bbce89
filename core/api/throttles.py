"""The API's per-IP request limits, counted by ``core.throttling`` across every process."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.throttling import hit


class ScopedRateThrottle(BaseThrottle):
    """Per-IP limit named by the view's ``throttle_scope`` in TETHER_RATE_LIMITS.

    Off with TETHER_THROTTLE=off (load tests); the per-phone code rules are not throttles
    and always hold.
    """

    def allow_request(self, request, view) -> bool:
        self._wait = None
        scope = getattr(view, "throttle_scope", None)
        if not settings.TETHER_THROTTLE or scope is None:
            return True
        limit, window = settings.TETHER_RATE_LIMITS[scope]
        self._wait = hit(f"{scope}:ip:{self.get_ident(request)}", limit, window)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
