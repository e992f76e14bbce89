"""Every event for clients leaves from here, only after the transaction commits.

One small function per event type builds the payload (the contract's WebSocket frames) and
hands it to ``publish``, which fans out one group message per member: each user has one group
(``user.<id>``) that all of their connections join, on whichever process they live. The push
is best-effort: a failure is logged, never raised, and the history endpoint is the truth.
"""

import asyncio
import logging
import time
import uuid
import weakref
from collections.abc import Iterable, Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core import metrics
from core.channel_layer import batches, group_send_many
from messaging.chat_list_cache import before_event, invalidation_commands, invalidation_sent

logger = logging.getLogger("tether.events")

# A publish never holds a request longer than this.
PUBLISH_TIMEOUT = 1.0
# After a failed publish the layer counts as down, and publishes are held back (dropped:
# clients recover them with after_seq) instead of each waiting on a dead Redis; one publish
# every PROBE_INTERVAL goes through as a probe. The first publish that gets through ends the
# hold, and so does a successful ``probe_layer`` (``/api/health`` runs one).
PROBE_INTERVAL = 0.5
# How long ``probe_layer`` waits for its own message to come back.
PROBE_TIMEOUT = 1.0

# 0.0 while the layer is up. Once a publish has failed, and until one gets through, the
# time when the next held-back publish goes out as the probe.
_skip_until = 0.0
_probing = False


def _layer_failed() -> None:
    global _skip_until
    if not _skip_until:
        logger.warning("Channel layer down: holding publishes back until a probe passes")
    _skip_until = time.monotonic() + PROBE_INTERVAL


def _layer_passed() -> None:
    global _skip_until
    if _skip_until:
        logger.info("Channel layer back: publishing again")
    _skip_until = 0.0


def layer_up() -> bool:
    """False while publishes are held back after a failure (see PROBE_INTERVAL)."""
    return not _skip_until


def user_group(user_id) -> str:
    return f"user.{user_id}"


async def _send_all(groups: list[str], message: dict, before: Sequence[tuple] = ()) -> None:
    sending = group_send_many(get_channel_layer(), groups, message, before)
    await asyncio.wait_for(sending, timeout=PUBLISH_TIMEOUT)


async def _deliver(
    groups: list[str], message: dict, what: str, before: Sequence[tuple] = ()
) -> bool:
    """Send ``message`` to ``groups`` (after the Redis commands ``before``, in the same
    round trip); log (never raise) a failure and return False."""
    try:
        await _send_all(groups, message, before)
    except Exception as exc:
        logger.warning("Could not send %s: %s", what, exc.__class__.__name__)
        metrics.channel_layer_error()
        _layer_failed()
        return False
    _layer_passed()
    return True


async def apublish(user_ids: Iterable, event: dict) -> bool:
    """Send ``event`` to every connection of ``user_ids``; False if the layer failed or the
    event was held back (the layer is down and another publish is the probe)."""
    global _probing
    groups = sorted({user_group(user_id) for user_id in user_ids})
    if not groups:
        return False
    event_type = event.get("type", "an event")
    # Cached chat lists go stale first, then clients hear: in the publish's own pipeline
    # where the layer batches (one round trip), else on their own before it.
    invalidation = []
    if batches(get_channel_layer()):
        invalidation = invalidation_commands(groups, event_type)
    else:
        await before_event(groups, event_type)
    probe = not layer_up()
    if probe:
        if _probing or time.monotonic() < _skip_until:
            invalidation_sent(invalidation, ok=False)
            metrics.event_failed(event_type)
            return False
        _probing = True
    message = {"type": "tether.event", "event": event}
    try:
        delivered = await _deliver(groups, message, event_type, invalidation)
    finally:
        if probe:
            _probing = False
    invalidation_sent(invalidation, ok=delivered)
    if delivered:
        metrics.event_published(event_type)
        return True
    metrics.event_failed(event_type)
    return False


class _Loopback:
    """This process's own probe channel on one event loop (channel layers are per loop)."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.channel: str | None = None


_loopbacks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Loopback]" = (
    weakref.WeakKeyDictionary()
)


async def aprobe_layer(timeout: float = PROBE_TIMEOUT) -> bool:
    """Send a probe to this process's own channel and wait for it to come back.

    True means that an event published now goes out, and that events reach this process's
    sockets (the pub/sub layer subscribes all of a process's channels and groups on one
    connection, restored as a whole after Redis comes back). A success ends the hold.
    """
    loop = asyncio.get_running_loop()
    loopback = _loopbacks.setdefault(loop, _Loopback())
    layer = get_channel_layer()
    nonce = uuid.uuid4().hex
    async with loopback.lock:
        deadline = loop.time() + timeout
        try:
            if loopback.channel is None:
                loopback.channel = await asyncio.wait_for(
                    layer.new_channel("tether.probe."), timeout
                )
            message = {"type": "tether.probe", "nonce": nonce}
            await asyncio.wait_for(layer.send(loopback.channel, message), timeout)
        except Exception as exc:
            logger.warning("Channel layer probe not sent: %s", exc.__class__.__name__)
            return False
        try:
            while True:
                remaining = deadline - loop.time()
                received = await asyncio.wait_for(layer.receive(loopback.channel), remaining)
                if received.get("nonce") == nonce:  # earlier probes' late answers are skipped
                    break
        except Exception as exc:
            # A receive cut short gives its channel up: the next probe makes a new one.
            loopback.channel = None
            logger.warning("Channel layer probe lost: %s", exc.__class__.__name__)
            return False
    _layer_passed()
    return True


def probe_layer() -> bool:
    """``aprobe_layer`` for synchronous callers (``/api/health``)."""
    return async_to_sync(aprobe_layer)()


def publish_now(user_ids: Iterable, event: dict) -> bool:
    """``apublish`` for synchronous callers (on-commit callbacks of the services)."""
    return async_to_sync(apublish)(user_ids, event)


async def apublish_now(user_ids: Iterable, event: dict) -> bool:
    """``publish_now`` for code on the event loop whose transaction has already committed
    (the one-round-trip send): no thread hop on the way to the channel layer."""
    return await apublish(user_ids, event)


def publish(user_ids: Iterable, event: dict) -> None:
    """Publish ``event`` to ``user_ids`` once the current transaction commits."""
    recipients = list(user_ids)
    transaction.on_commit(lambda: publish_now(recipients, event))


def message_new(message: dict, member_ids: Iterable) -> None:
    publish(member_ids, {"type": "message.new", "message": message})


async def amessage_new(message: dict, member_ids: Iterable) -> None:
    """``message_new`` from the loop, after the send's commit."""
    await apublish_now(member_ids, {"type": "message.new", "message": message})


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


def chat_updated(*, chat_id, member_ids: Iterable) -> None:
    """A chat's title, members, roles or pin changed: members read it again (new ones too,
    so the chat appears at once)."""
    publish(member_ids, {"type": "chat.updated", "chat_id": str(chat_id)})


def _draft_event(chat_id, content: str, updated_at: str | None) -> dict:
    return {
        "type": "draft.updated",
        "chat_id": str(chat_id),
        "content": content,
        "updated_at": updated_at,
    }


def draft_updated(*, user_id, chat_id, content: str, updated_at: str | None) -> None:
    """To the person's own connections: their draft of the chat changed ("" when cleared)."""
    publish([user_id], _draft_event(chat_id, content, updated_at))


async def adraft_updated(*, user_id, chat_id, content: str, updated_at: str | None) -> None:
    """``draft_updated`` from the loop, after the commit that changed the draft."""
    await apublish_now([user_id], _draft_event(chat_id, content, updated_at))


def chat_removed(*, chat_id, user_id) -> None:
    """To the member who left or was removed, and nobody else."""
    publish([user_id], {"type": "chat.removed", "chat_id": str(chat_id)})


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
