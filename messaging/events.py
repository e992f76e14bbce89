"""Every event for clients leaves from here, only after the transaction commits.

One small function per event type builds the payload (the contract's WebSocket frames) and
hands it to ``publish``, which fans out one group message per member: each user has one group
(``user.<id>``) that all of their connections join, on whichever process they live. The push
is best-effort: a failure is logged, never raised, and the history endpoint is the truth.
"""

import asyncio
import logging
import time
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core import metrics

logger = logging.getLogger("tether.events")

# A publish never holds a request longer than this.
PUBLISH_TIMEOUT = 1.0
# After a failed publish, skip publishing for this long instead of waiting on a dead Redis
# in every request; clients recover missed events with after_seq.
_BACKOFF_SECONDS = 2.0
_skip_until = 0.0


def user_group(user_id) -> str:
    return f"user.{user_id}"


async def _send_all(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    sends = (layer.group_send(group, message) for group in groups)
    await asyncio.wait_for(asyncio.gather(*sends), timeout=PUBLISH_TIMEOUT)


async def _deliver(groups: list[str], message: dict, what: str) -> bool:
    """Send ``message`` to ``groups``; log (never raise) a failure and return False."""
    try:
        await _send_all(groups, message)
        return True
    except Exception as exc:
        logger.warning("Could not send %s: %s", what, exc.__class__.__name__)
        metrics.channel_layer_error()
        return False


async def apublish(user_ids: Iterable, event: dict) -> bool:
    """Send ``event`` to every connection of ``user_ids``; False if the layer failed."""
    global _skip_until
    groups = sorted({user_group(user_id) for user_id in user_ids})
    if not groups:
        return False
    event_type = event.get("type", "an event")
    if time.monotonic() < _skip_until:
        metrics.event_failed(event_type)
        return False
    message = {"type": "tether.event", "event": event}
    if await _deliver(groups, message, event_type):
        metrics.event_published(event_type)
        return True
    metrics.event_failed(event_type)
    _skip_until = time.monotonic() + _BACKOFF_SECONDS
    return False


def publish_now(user_ids: Iterable, event: dict) -> bool:
    """``apublish`` for synchronous callers (on-commit callbacks of the services)."""
    return async_to_sync(apublish)(user_ids, event)


def publish(user_ids: Iterable, event: dict) -> None:
    """Publish ``event`` to ``user_ids`` once the current transaction commits."""
    recipients = list(user_ids)
    transaction.on_commit(lambda: publish_now(recipients, event))


def message_new(message: dict, member_ids: Iterable) -> None:
    publish(member_ids, {"type": "message.new", "message": message})


def message_updated(message: dict, member_ids: Iterable) -> None:
    publish(member_ids, {"type": "message.updated", "message": message})


def message_deleted(message: dict, member_ids: Iterable) -> None:
    publish(member_ids, {"type": "message.deleted", "message": message})


def chat_read(*, chat_id, user_id, last_read_seq: int, member_ids: Iterable) -> None:
    event = {
        "type": "chat.read",
        "chat_id": str(chat_id),
        "user_id": str(user_id),
        "last_read_seq": last_read_seq,
    }
    publish(member_ids, event)


def typing_event(*, chat_id, user_id) -> dict:
    """For the other members only (the consumer leaves the typist out)."""
    return {"type": "typing", "chat_id": str(chat_id), "user_id": str(user_id)}


def presence_event(*, user_id, online: bool, last_seen: str | None) -> dict:
    """For the users who share a chat with ``user_id``."""
    return {"type": "presence", "user_id": str(user_id), "online": online, "last_seen": last_seen}


def blocks_changed(*, user_ids: Iterable) -> None:
    """Tell the sockets of both sides of a block to forget who may see them type."""
    groups = [user_group(user_id) for user_id in user_ids]
    async_to_sync(_deliver)(groups, {"type": "tether.blocks"}, "a block change")


def close_sockets(*, user_id, session_ids: Iterable | None = None) -> None:
    """Close (4001) the user's sockets of ``session_ids`` (all when None), on every process.

    Never skipped by the publish back-off: ending access matters more than a second's wait.
    """
    sessions = None if session_ids is None else [str(s) for s in session_ids]
    message = {"type": "tether.close", "session_ids": sessions}
    async_to_sync(_deliver)([user_group(user_id)], message, "a socket close")
