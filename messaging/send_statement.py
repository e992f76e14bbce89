"""A plain text send in one round trip to PostgreSQL, from the event loop.

``message_send`` (the ORM path) takes about six round trips: the ``client_id`` lookup, BEGIN,
the seq ``UPDATE``, the members-and-blocks query, the ``INSERT``, COMMIT. Here the same work
is one call of ``tether_message_send`` (migration ``0008_message_send_function``, where its
SQL lives) on the loop's own pool (``core.async_db``): it takes the same locks as the ORM
path, then checks the session, the ``client_id``, membership and blocks, allocates the seq,
inserts, clears the sender's draft and notes the session's use. It stores the message only
when everything holds; otherwise it stores nothing and the caller answers through the ORM
path, which stays the reference for every rule and every error (tests compare the two).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.services.blocks import blocks_lock_id
from accounts.services.sessions import SESSION_TOUCH_INTERVAL
from core import async_db

_CALL = "SELECT * FROM tether_message_send(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


@dataclass(frozen=True)
class Stored:
    """What the call did: ``seq`` is None when it stored nothing (then ``session_live``
    tells whether the session was the reason)."""

    id: uuid.UUID
    seq: int | None
    created_at: datetime
    session_live: bool
    draft_cleared: bool
    member_ids: list


async def send_plain(
    *, sender_id, session_id, chat_id: uuid.UUID, content: str, client_id: str | None
) -> Stored:
    """Store a text message (no reply, forward or attachments) if every rule holds.

    The content and ``client_id`` must already be valid (``messaging.content``); the send
    limit is the caller's. Raises ``psycopg.errors.UniqueViolation`` when the same
    ``client_id`` raced in from another request, and ``psycopg.Error`` on database trouble.
    """
    now = timezone.now()
    message_id = uuid.uuid4()
    try:
        session_id, sender_id = uuid.UUID(str(session_id)), uuid.UUID(str(sender_id))
    except ValueError:
        return Stored(message_id, None, now, False, False, [])
    oldest = now - timedelta(days=settings.TETHER_SESSION_MAX_DAYS)
    params = [
        session_id, sender_id, chat_id, message_id, content, client_id, now, oldest,
        blocks_lock_id(user_id=sender_id), now - SESSION_TOUCH_INTERVAL,
    ]  # fmt: skip
    pool = await async_db.get_pool()
    async with pool.connection() as conn:
        cursor = await conn.execute(_CALL, params)
        seq, live, cleared, member_ids = await cursor.fetchone()
    return Stored(message_id, seq, now, live, cleared, member_ids)
