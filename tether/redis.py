"""The synchronous Redis client for request-path work (throttles, presence, health).

Timeouts are short on purpose: when Redis is unreachable a request must fail open quickly
rather than hang.
"""

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def get_redis() -> redis.Redis | None:
    """The shared client, or None when Tether runs without Redis."""
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        health_check_interval=30,
    )
