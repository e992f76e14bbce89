"""Presence as a service: sockets report coming and going, members hear ``presence``.

Online while a user has a live connection on any process (``accounts.presence`` keeps the
count), offline within moments of the last one closing, or within the entry TTL of its
process dying: each process runs a heartbeat that refreshes its own connections and claims
users whose every entry expired elsewhere, so the survivors announce them.
"""

import asyncio
import logging

import redis
from django.conf import settings

from accounts.presence import presence_store
from accounts.selectors import user_last_seen
from accounts.services.users import user_mark_seen
from messaging import events
from messaging.payloads import iso
from messaging.selectors import presence_watchers
from messaging.worker_threads import in_thread

logger = logging.getLogger("tether.presence")

_heartbeat_task: asyncio.Task | None = None


async def presence_connect(*, user_id: str, connection: str) -> None:
    """A socket opened: announce "online" if it is the user's first anywhere."""
    try:
        first = await presence_store().add(user_id, connection)
    except redis.RedisError:
        logger.warning("Presence store unreachable on connect")
        return
    finally:
        _ensure_heartbeat()
    if first:
        await presence_announce(user_id, online=True)


# Announcements still running after their socket has gone (kept so they are not collected).
_announcing: set[asyncio.Task] = set()


async def presence_disconnect(*, user_id: str, connection: str) -> None:
    """A socket closed: announce "offline" if it was the user's last anywhere.

    The connection leaves the store at once; the announcement (last_seen stamped, watchers
    looked up, a database round in a worker thread) goes on in the background. Thousands of
    sockets may close together (a proxy restarting, a network blip), and a socket's task
    that outlived daphne's shutdown wait would be killed, announcements and all.
    """
    try:
        last = await presence_store().remove(user_id, connection)
    except redis.RedisError:
        logger.warning("Presence store unreachable on disconnect")
        return
    if last:
        task = asyncio.get_running_loop().create_task(_announce_offline(user_id))
        _announcing.add(task)
        task.add_done_callback(_announcing.discard)


async def _announce_offline(user_id: str) -> None:
    try:
        await presence_announce(user_id, online=False)
    except Exception:
        logger.warning("Could not announce a user offline", exc_info=True)


async def presence_settled() -> None:
    """Wait for the offline announcements under way (tests, shutdown)."""
    while _announcing:
        await asyncio.gather(*list(_announcing), return_exceptions=True)


async def presence_announce(user_id: str, *, online: bool) -> None:
    """Tell everyone who shares a chat with ``user_id``; going offline stamps last_seen."""
    watchers, last_seen = await in_thread(_watchers_and_last_seen)(user_id, online)
    await events.apublish(
        watchers, events.presence_event(user_id=user_id, online=online, last_seen=last_seen)
    )


def _watchers_and_last_seen(user_id: str, online: bool) -> tuple[list, str | None]:
    last_seen = user_last_seen(user_id=user_id) if online else user_mark_seen(user_id=user_id)
    return presence_watchers(user_id=user_id), iso(last_seen)


async def presence_heartbeat() -> None:
    """One beat: refresh this process's connections, announce users whose process died."""
    store = presence_store()
    await store.refresh()
    for user_id in await store.claim_expired():
        await presence_announce(user_id, online=False)


def _ensure_heartbeat() -> None:
    global _heartbeat_task
    if not settings.REDIS_URL:
        return  # one process: nobody else's connections can expire
    if _heartbeat_task is None or _heartbeat_task.done():
        _heartbeat_task = asyncio.get_running_loop().create_task(_heartbeat_loop())


async def _heartbeat_loop() -> None:
    """Beat while this process has connections; a failed beat is logged and retried."""
    while presence_store().local:
        await asyncio.sleep(settings.TETHER_PRESENCE_HEARTBEAT_SECONDS)
        try:
            await presence_heartbeat()
        except Exception:
            logger.warning("Presence heartbeat failed; retrying next beat", exc_info=True)
