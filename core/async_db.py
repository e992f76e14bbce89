"""PostgreSQL from the event loop, for the few hot paths that must not leave it.

Django's ORM is synchronous (its ``a*`` methods run the sync code in worker threads), so a
path that is to stay on the loop speaks SQL through psycopg's ``AsyncConnectionPool``,
outside Django's connection handling. The SQL lives beside the models it touches and is
tested against the ORM path that does the same work.

One pool per event loop (a daphne process has one; tests get one each), connecting with the
same settings as Django's ``default`` database, in autocommit: callers open their own
transactions. Pools of loops that have ended are closed on the next request for a pool.
"""

import asyncio
import logging
import weakref

from django.conf import settings
from django.db import connections
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

logger = logging.getLogger("tether.db")

_pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = (
    weakref.WeakKeyDictionary()
)
_all_pools: list[tuple["weakref.ref[asyncio.AbstractEventLoop]", AsyncConnectionPool]] = []


def available() -> bool:
    """Whether the hot paths may use the loop's pool: PostgreSQL, and TETHER_ASYNC_DB on
    (SQLite has no async driver here: callers use the ORM path in a worker thread)."""
    return settings.TETHER_ASYNC_DB and connections["default"].vendor == "postgresql"


def connection_kwargs() -> dict:
    """psycopg's connection arguments for Django's ``default`` database, in autocommit."""
    db = settings.DATABASES["default"]
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if k not in {"pool"}}
    kwargs = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        **options,
        "autocommit": True,
    }
    return {name: value for name, value in kwargs.items() if value is not None}


async def _open_pool(loop: asyncio.AbstractEventLoop) -> AsyncConnectionPool:
    _close_pools_of_ended_loops()
    pool = AsyncConnectionPool(
        kwargs=connection_kwargs(),
        connection_class=AsyncConnection,
        min_size=settings.TETHER_DB_ASYNC_POOL_MIN,
        max_size=settings.TETHER_DB_ASYNC_POOL_MAX,
        timeout=settings.TETHER_DB_ASYNC_POOL_TIMEOUT,
        reconnect_timeout=5.0,
        name="tether-async",
        open=False,
    )
    await pool.open(wait=False)
    _all_pools.append((weakref.ref(loop), pool))
    return pool


async def get_pool() -> AsyncConnectionPool:
    """The running loop's pool, opened on first use."""
    loop = asyncio.get_running_loop()
    opening = _pools.get(loop)
    if opening is None:
        opening = loop.create_task(_open_pool(loop))
        _pools[loop] = opening
    return await asyncio.shield(opening)


def _close_pools_of_ended_loops() -> None:
    """Drop the connections of pools whose loop is gone or closed (tests run one loop each;
    without this their connections would linger until garbage collection)."""
    for entry in list(_all_pools):
        loop_ref, pool = entry
        loop = loop_ref()
        if loop is not None and not loop.is_closed():
            continue
        _all_pools.remove(entry)
        for conn in list(getattr(pool, "_pool", ())):
            try:
                conn.pgconn.finish()
            except Exception:  # already gone
                logger.debug("Could not close a pooled connection of an ended loop")


async def check_pool() -> None:
    """After a connection failed: have the pool test its idle connections and replace the
    broken ones in the background (there is no check on every checkout: that would cost
    each send a round trip)."""
    opening = _pools.get(asyncio.get_running_loop())
    if opening is not None and opening.done() and not opening.cancelled():
        pool = opening.result()
        asyncio.get_running_loop().create_task(pool.check())


async def close_pool() -> None:
    """Close the running loop's pool (tests, shutdown)."""
    loop = asyncio.get_running_loop()
    opening = _pools.pop(loop, None)
    if opening is None:
        return
    pool = await opening
    _all_pools[:] = [entry for entry in _all_pools if entry[1] is not pool]
    await pool.close()


def close_all_pools_now() -> None:
    """Synchronously drop every pool's idle connections (the end of a test run, so that the
    test database can be dropped)."""
    for _loop_ref, pool in list(_all_pools):
        for conn in list(getattr(pool, "_pool", ())):
            try:
                conn.pgconn.finish()
            except Exception:
                logger.debug("Could not close a pooled connection")
    _all_pools.clear()
