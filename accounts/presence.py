"""Who is online: a user with at least one live connection on any server process.

Two stores with one interface, chosen like Channels chooses its layer: ``RedisPresenceStore``
when ``REDIS_URL`` is set (every process shares it), ``MemoryPresenceStore`` otherwise (one
process). The real-time layer writes through ``presence_store()`` as sockets come and go;
everyone reads ``online_ids``.

In Redis each connection is a member of ``presence:conn:<user>`` scored by its expiry, which
its process's heartbeat pushes forward; ``presence:users`` scores each user with their latest
expiry. A process that dies stops refreshing, and ``claim_expired`` hands each user whose
every entry expired to exactly one surviving process (the one whose ZREM wins).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable

import redis
from django.conf import settings

from accounts.selectors import blocked_between
from core.redis import get_async_redis, get_redis

logger = logging.getLogger("tether.presence")

_USERS_KEY = "tether:presence:users"


class PresenceStore:
    """This process's connections (channel name -> user id), and the shared view of them."""

    def __init__(self) -> None:
        self.local: dict[str, str] = {}

    def online_ids(self, user_ids: list) -> set:
        raise NotImplementedError

    async def add(self, user_id: str, connection: str) -> bool:
        """Record a connection; True if it is the user's first anywhere."""
        raise NotImplementedError

    async def remove(self, user_id: str, connection: str) -> bool:
        """Forget a connection; True if it was the user's last anywhere."""
        raise NotImplementedError

    async def refresh(self) -> None:
        """Keep this process's connections alive (a heartbeat)."""

    async def claim_expired(self) -> list[str]:
        """Users whose every connection expired (their process died), each claimed by one
        process only."""
        return []


class MemoryPresenceStore(PresenceStore):
    """One process, no Redis: its own connections are all there is."""

    def online_ids(self, user_ids: list) -> set:
        live = set(self.local.values())
        return {user_id for user_id in user_ids if str(user_id) in live}

    async def add(self, user_id: str, connection: str) -> bool:
        self.local[connection] = user_id
        return sum(1 for uid in self.local.values() if uid == user_id) == 1

    async def remove(self, user_id: str, connection: str) -> bool:
        self.local.pop(connection, None)
        return user_id not in self.local.values()


class RedisPresenceStore(PresenceStore):
    def __init__(self) -> None:
        super().__init__()
        self.process_id = uuid.uuid4().hex[:12]
        self.ttl = settings.TETHER_PRESENCE_TTL_SECONDS

    @staticmethod
    def _conn_key(user_id) -> str:
        return f"tether:presence:conn:{user_id}"

    def _member(self, connection: str) -> str:
        return f"{self.process_id}:{connection}"

    def online_ids(self, user_ids: list) -> set:
        """One pipelined round trip; an unreachable Redis reads as "offline" (and is logged)."""
        now = time.time()
        try:
            pipe = get_redis().pipeline(transaction=False)
            for user_id in user_ids:
                pipe.zcount(self._conn_key(user_id), now, "+inf")
            counts = pipe.execute()
        except redis.RedisError:
            logger.warning("Presence store unreachable; reporting users offline")
            return set()
        return {user_id for user_id, count in zip(user_ids, counts, strict=True) if count}

    async def add(self, user_id: str, connection: str) -> bool:
        self.local[connection] = user_id
        expiry = time.time() + self.ttl
        async with get_async_redis().pipeline(transaction=True) as pipe:
            pipe.zadd(self._conn_key(user_id), {self._member(connection): expiry})
            pipe.zcount(self._conn_key(user_id), time.time(), "+inf")
            pipe.zadd(_USERS_KEY, {user_id: expiry}, gt=True)
            _, live, _ = await pipe.execute()
        return live == 1

    async def remove(self, user_id: str, connection: str) -> bool:
        self.local.pop(connection, None)
        client = get_async_redis()
        async with client.pipeline(transaction=True) as pipe:
            pipe.zrem(self._conn_key(user_id), self._member(connection))
            pipe.zcount(self._conn_key(user_id), time.time(), "+inf")
            _, live = await pipe.execute()
        if live:
            return False
        # A connection opening elsewhere meanwhile is written back by its next heartbeat.
        await client.zrem(_USERS_KEY, user_id)
        return True

    async def refresh(self) -> None:
        expiry = time.time() + self.ttl
        async with get_async_redis().pipeline(transaction=False) as pipe:
            for connection, user_id in list(self.local.items()):
                pipe.zadd(self._conn_key(user_id), {self._member(connection): expiry})
                pipe.zadd(_USERS_KEY, {user_id: expiry}, gt=True)
            await pipe.execute()

    async def claim_expired(self) -> list[str]:
        client = get_async_redis()
        now = time.time()
        claimed = []
        for raw in await client.zrangebyscore(_USERS_KEY, "-inf", now):
            user_id = raw.decode()
            await client.zremrangebyscore(self._conn_key(user_id), "-inf", now)
            if await client.zcount(self._conn_key(user_id), now, "+inf"):
                continue
            if await client.zrem(_USERS_KEY, user_id):  # only one process wins this
                claimed.append(user_id)
        return claimed


_stores: dict[type, PresenceStore] = {}


def presence_store() -> PresenceStore:
    """The process's store: Redis when ``REDIS_URL`` is set, memory otherwise."""
    kind = RedisPresenceStore if settings.REDIS_URL else MemoryPresenceStore
    if kind not in _stores:
        _stores[kind] = kind()
    return _stores[kind]


def seen_by(viewer, users: Iterable) -> dict:
    """What ``viewer`` may know of ``users``' presence, for UserSerializer's context:
    ``online_ids`` (live now, no block between, allowed by both privacy settings) and
    ``hidden_ids`` (last seen and online hidden by the privacy rules)."""
    from accounts.privacy import last_seen_hidden

    users = list(users)
    hidden = last_seen_hidden(viewer, users)
    shown = [u.pk for u in users if u.pk not in hidden]
    viewer_id = viewer.pk if viewer is not None else None
    return {"online_ids": online_ids(shown, viewer_id=viewer_id), "hidden_ids": hidden}


def online_ids(user_ids: Iterable, viewer_id=None) -> set:
    """The subset of ``user_ids`` with a live connection, in one round trip.

    Seen by ``viewer_id``, users with a block between them and the viewer are never online:
    neither side of a block gets the other's presence.
    """
    ids = list(user_ids)
    if not ids:
        return set()
    online = presence_store().online_ids(ids)
    if viewer_id is not None and online:
        online -= blocked_between(viewer_id, online)
    return online
