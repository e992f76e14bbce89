"""Request-rate limits that hold across every server process.

One atomic Redis transaction per hit (SET NX EX, INCR, TTL) counts requests in a window that
starts with the first of them, so 31 simultaneous requests never all pass a limit of 30.
Without Redis (one process) the count lives in memory. If Redis is unreachable the limit
fails open and says so in the log: rate limits protect capacity, not access.
"""

import logging
import threading
import time

import redis
from django.conf import settings

from core.errors import Throttled
from core.redis import get_async_redis, get_redis

logger = logging.getLogger("core.throttling")

_local_lock = threading.Lock()
_local_windows: dict[str, tuple[float, int]] = {}


def _hit_locally(key: str, limit: int, window: int) -> float | None:
    now = time.monotonic()
    with _local_lock:
        ends_at, count = _local_windows.get(key, (0.0, 0))
        if ends_at <= now:
            ends_at, count = now + window, 0
        count += 1
        _local_windows[key] = (ends_at, count)
    return max(1.0, ends_at - now) if count > limit else None


def hit(bucket: str, limit: int, window: int) -> float | None:
    """Count one request in ``bucket``; the seconds to wait if it is over ``limit``, else None."""
    client = get_redis()
    if client is None:
        return _hit_locally(bucket, limit, window)
    key = f"tether:rate:{bucket}"
    try:
        pipe = client.pipeline(transaction=True)
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        pipe.pttl(key)
        _, count, pttl = pipe.execute()
    except redis.RedisError:
        logger.warning("Rate-limit store unreachable; letting %s through", bucket.split(":")[0])
        return None
    # Milliseconds, which callers round up: TTL rounds to the nearest second, so a client
    # told to wait that long could come back before the window ends and be refused again.
    return max(pttl / 1000, 1.0) if count > limit else None


def exceeded(bucket: str, limit: int) -> float | None:
    """Without counting: the seconds left in ``bucket``'s window if it already holds
    ``limit`` hits, else None (for limits that count only failures, such as passwords)."""
    client = get_redis()
    if client is None:
        with _local_lock:
            ends_at, count = _local_windows.get(bucket, (0.0, 0))
        left = ends_at - time.monotonic()
        return max(1.0, left) if left > 0 and count >= limit else None
    key = f"tether:rate:{bucket}"
    try:
        pipe = client.pipeline(transaction=True)
        pipe.get(key)
        pipe.pttl(key)
        count, pttl = pipe.execute()
    except redis.RedisError:
        logger.warning("Rate-limit store unreachable; letting %s through", bucket.split(":")[0])
        return None
    if count is None or int(count) < limit or pttl <= 0:
        return None
    return max(pttl / 1000, 1.0)


def reset_local_state() -> None:
    """Forget in-memory counts (tests)."""
    with _local_lock:
        _local_windows.clear()


def person_limit_check(scope: str, person_id) -> None:
    """Count one ``scope`` action by ``person_id`` against TETHER_RATE_LIMITS[scope];
    core.errors.Throttled when over it. Off with TETHER_THROTTLE=off."""
    if not settings.TETHER_THROTTLE:
        return
    limit, window = settings.TETHER_RATE_LIMITS[scope]
    wait = hit(f"{scope}:user:{person_id}", limit, window)
    if wait is not None:
        raise Throttled(wait=wait)


# Takes back one hit, never below zero and never creating a key (so never a window without
# an end).
_REFUND = (
    "if redis.call('get', KEYS[1]) and tonumber(redis.call('get', KEYS[1])) > 0 then "
    "return redis.call('decr', KEYS[1]) end return 0"
)


async def aperson_limit_check(scope: str, person_id) -> bool:
    """``person_limit_check`` for code on the event loop; True when a hit was counted (give
    it back with ``aperson_limit_refund`` if the action did not happen after all)."""
    if not settings.TETHER_THROTTLE:
        return False
    limit, window = settings.TETHER_RATE_LIMITS[scope]
    bucket = f"{scope}:user:{person_id}"
    client = get_async_redis()
    if client is None:
        wait = _hit_locally(bucket, limit, window)
    else:
        key = f"tether:rate:{bucket}"
        try:
            async with client.pipeline(transaction=True) as pipe:
                pipe.set(key, 0, ex=window, nx=True)
                pipe.incr(key)
                pipe.pttl(key)
                _, count, pttl = await pipe.execute()
        except redis.RedisError:
            logger.warning("Rate-limit store unreachable; letting %s through", scope)
            return False
        wait = max(pttl / 1000, 1.0) if count > limit else None
    if wait is not None:
        raise Throttled(wait=wait)
    return True


async def aperson_limit_refund(scope: str, person_id) -> None:
    """Give back the hit that ``aperson_limit_check`` counted."""
    bucket = f"{scope}:user:{person_id}"
    client = get_async_redis()
    if client is None:
        with _local_lock:
            ends_at, count = _local_windows.get(bucket, (0.0, 0))
            if count > 0:
                _local_windows[bucket] = (ends_at, count - 1)
        return
    try:
        await client.eval(_REFUND, 1, f"tether:rate:{bucket}")
    except redis.RedisError:
        logger.warning("Rate-limit store unreachable; a %s hit stays counted", scope)
