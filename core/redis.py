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


_async_clients: dict[int, "redis.asyncio.Redis"] = {}


def get_async_redis():
    """An asyncio client bound to the running event loop, or None without Redis.

    asyncio clients cannot cross event loops; daphne has one per process, tests one each.
    """
    import asyncio

    import redis.asyncio

    if not settings.REDIS_URL:
        return None
    loop = asyncio.get_running_loop()
    client = _async_clients.get(id(loop))
    if client is None:
        if len(_async_clients) > 8:  # loops of finished tests
            _async_clients.clear()
        client = redis.asyncio.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
        _async_clients[id(loop)] = client
    return client
