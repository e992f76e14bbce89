"""Presence: online while a user has a live connection on any process, and not a moment
after the last one closes or its process dies.

With Redis, every connection is a member of ``presence:conn:<user>`` (a sorted set scored by
expiry time) that its process refreshes on a heartbeat; ``presence:users`` scores each user
with the latest expiry of their connections. A process that dies stops refreshing, its
entries expire, and a sweeper in any surviving process announces the user offline (the one
whose ZREM wins announces, so it happens once). A Redis restart forgets all of it; the next
heartbeat writes it again. Without Redis (one process) the same rules run in memory.
"""

import asyncio
import contextlib
import logging
import time
import uuid

import redis
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.selectors import block_exists_with
from chats.models import ChatMember
from core.redis import get_async_redis, get_redis
from messaging import events

logger = logging.getLogger("tether.presence")

PROCESS_ID = uuid.uuid4().hex[:12]
HEARTBEAT_SECONDS = settings.TETHER_PRESENCE_HEARTBEAT_SECONDS
ENTRY_TTL_SECONDS = settings.TETHER_PRESENCE_TTL_SECONDS
_USERS_KEY = "tether:presence:users"

# This process's live connections: channel name -> user id.
_local: dict[str, str] = {}
_heartbeat_task: asyncio.Task | None = None


def _conn_key(user_id) -> str:
    return f"tether:presence:conn:{user_id}"


def _member(channel_name: str) -> str:
    return f"{PROCESS_ID}:{channel_name}"


def online_ids(user_ids: list) -> set:
    """Reader for ``accounts.presence``: one pipelined round trip; fails open to "offline"."""
    client = get_redis()
    if client is None:
        live = set(_local.values())
        return {user_id for user_id in user_ids if str(user_id) in live}
    now = time.time()
    try:
        pipe = client.pipeline(transaction=False)
        for user_id in user_ids:
            pipe.zcount(_conn_key(user_id), now, "+inf")
        counts = pipe.execute()
    except redis.RedisError:
        logger.warning("Presence store unreachable; reporting users offline")
        return set()
    return {user_id for user_id, count in zip(user_ids, counts, strict=True) if count}


async def connection_opened(user_id: str, channel_name: str) -> None:
    """Record the connection; announce "online" if it is the user's first anywhere."""
    _local[channel_name] = user_id
    _ensure_heartbeat()
    client = get_async_redis()
    if client is None:
        first = sum(1 for uid in _local.values() if uid == user_id) == 1
    else:
        expiry = time.time() + ENTRY_TTL_SECONDS
        try:
            async with client.pipeline(transaction=True) as pipe:
                pipe.zadd(_conn_key(user_id), {_member(channel_name): expiry})
                pipe.zcount(_conn_key(user_id), time.time(), "+inf")
                pipe.zadd(_USERS_KEY, {user_id: expiry}, gt=True)
                _, live, _ = await pipe.execute()
        except redis.RedisError:
            logger.warning("Presence store unreachable on connect")
            return
        first = live == 1
    if first:
        await announce(user_id, online=True)


async def connection_closed(user_id: str, channel_name: str) -> None:
    """Forget the connection; announce "offline" if it was the user's last anywhere."""
    _local.pop(channel_name, None)
    client = get_async_redis()
    if client is None:
        last = user_id not in _local.values()
    else:
        try:
            async with client.pipeline(transaction=True) as pipe:
                pipe.zrem(_conn_key(user_id), _member(channel_name))
                pipe.zcount(_conn_key(user_id), time.time(), "+inf")
                _, live = await pipe.execute()
        except redis.RedisError:
            logger.warning("Presence store unreachable on disconnect")
            return
        last = live == 0
        if last:
            # A connection opening elsewhere meanwhile is written back by its next heartbeat.
            with contextlib.suppress(redis.RedisError):
                await client.zrem(_USERS_KEY, user_id)
    if last:
        await announce(user_id, online=False)


async def announce(user_id: str, *, online: bool) -> None:
    """Tell everyone who shares a chat with ``user_id``; going offline stamps last_seen."""
    watchers, last_seen = await _watchers_and_last_seen(user_id, online)
    await events.apublish(
        watchers, events.presence_event(user_id=user_id, online=online, last_seen=last_seen)
    )


@database_sync_to_async
def _watchers_and_last_seen(user_id: str, online: bool) -> tuple[list, str | None]:
    if not online:
        User.objects.filter(pk=user_id).update(last_seen=timezone.now())
    last_seen = User.objects.filter(pk=user_id).values_list("last_seen", flat=True).first()
    watchers = (
        ChatMember.objects.filter(chat__memberships__user_id=user_id)
        .exclude(user_id=user_id)
        .annotate(blocked=block_exists_with(user_id))
        .filter(blocked=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(watchers), last_seen.isoformat().replace("+00:00", "Z") if last_seen else None


def _ensure_heartbeat() -> None:
    global _heartbeat_task
    if get_redis() is None:
        return
    if _heartbeat_task is None or _heartbeat_task.done():
        _heartbeat_task = asyncio.get_running_loop().create_task(_heartbeat())


async def _heartbeat() -> None:
    """Refresh this process's entries and sweep users whose every entry expired."""
    while _local:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        with contextlib.suppress(Exception):
            await beat()


async def beat() -> None:
    client = get_async_redis()
    if client is None:
        return
    expiry = time.time() + ENTRY_TTL_SECONDS
    try:
        async with client.pipeline(transaction=False) as pipe:
            for channel_name, user_id in list(_local.items()):
                pipe.zadd(_conn_key(user_id), {_member(channel_name): expiry})
                pipe.zadd(_USERS_KEY, {user_id: expiry}, gt=True)
            await pipe.execute()
        await sweep(client)
    except redis.RedisError:
        logger.warning("Presence heartbeat could not reach Redis")


async def sweep(client) -> None:
    """Announce offline the users whose connections all expired (a process died)."""
    now = time.time()
    for raw in await client.zrangebyscore(_USERS_KEY, "-inf", now):
        user_id = raw.decode()
        await client.zremrangebyscore(_conn_key(user_id), "-inf", now)
        if await client.zcount(_conn_key(user_id), now, "+inf"):
            continue
        # Only the process whose ZREM removes the user announces it.
        if await client.zrem(_USERS_KEY, user_id):
            await announce(user_id, online=False)
