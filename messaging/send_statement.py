"""A plain text send in one round trip to PostgreSQL, from the event loop.

``message_send`` (the ORM path) takes about six round trips: the ``client_id`` lookup, BEGIN,
the seq ``UPDATE``, the members-and-blocks query, the ``INSERT``, COMMIT. This module does
the same work in one pipelined exchange on the loop's own pool (``core.async_db``)::

    BEGIN
    SELECT pg_advisory_xact_lock_shared(<the sender's blocks key>)   -- as blocks_hold_steady
    SELECT 1 FROM chats_chat WHERE id = <chat> FOR NO KEY UPDATE     -- as seq_allocate
    WITH ... (one statement: session, client_id, membership, blocks, seq, insert, draft)
    COMMIT

The locks come first, in statements of their own, so that the main statement's snapshot is
taken once they are held: a block or a membership change that committed meanwhile is seen,
exactly as on the ORM path. The main statement stores the message only when everything
holds (live session, new ``client_id``, member, no block in a direct chat); otherwise it
stores nothing and says which check failed, and the caller answers through the ORM path,
which stays the reference for every rule and every error (tests compare the two).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import AuthSession, Block, User
from accounts.services.blocks import blocks_lock_id
from chats.models import Chat, ChatMember
from core import async_db
from messaging.models import Message

_CHATS = Chat._meta.db_table
_MEMBERS = ChatMember._meta.db_table
_MESSAGES = Message._meta.db_table
_SESSIONS = AuthSession._meta.db_table
_USERS = User._meta.db_table
_BLOCKS = Block._meta.db_table

_LOCK_CHAT = f"SELECT 1 FROM {_CHATS} WHERE id = %(chat)s FOR NO KEY UPDATE"  # noqa: S608

_SEND = f"""
WITH session AS (
    SELECT 1 FROM {_SESSIONS} s JOIN {_USERS} u ON u.id = s.user_id
    WHERE s.id = %(session)s AND s.user_id = %(sender)s AND s.revoked_at IS NULL
      AND u.is_active AND s.created_at > %(oldest)s
), repeat AS (
    SELECT 1 FROM {_MESSAGES} m
    WHERE %(client_id)s::varchar IS NOT NULL AND m.sender_id = %(sender)s
      AND m.client_id = %(client_id)s::varchar
), me AS (
    SELECT draft <> '' AS drafted FROM {_MEMBERS}
    WHERE chat_id = %(chat)s AND user_id = %(sender)s
), blocked AS (
    SELECT 1 FROM {_MEMBERS} o JOIN {_BLOCKS} b
      ON (b.blocker_id = %(sender)s AND b.blocked_id = o.user_id)
      OR (b.blocked_id = %(sender)s AND b.blocker_id = o.user_id)
    WHERE o.chat_id = %(chat)s AND o.user_id <> %(sender)s
), chat AS (
    UPDATE {_CHATS} c SET last_seq = c.last_seq + 1, updated_at = %(now)s
    WHERE c.id = %(chat)s
      AND EXISTS (SELECT 1 FROM session) AND NOT EXISTS (SELECT 1 FROM repeat)
      AND EXISTS (SELECT 1 FROM me)
      AND (c.kind <> 'direct' OR NOT EXISTS (SELECT 1 FROM blocked))
    RETURNING c.last_seq
), stored AS (
    INSERT INTO {_MESSAGES} (id, chat_id, seq, sender_id, kind, content, system, client_id,
        reply_to_id, forwarded_from_user_id, forwarded_from_name, created_at, edited_at,
        deleted_at)
    SELECT %(id)s, %(chat)s, chat.last_seq, %(sender)s, 'text', %(content)s, NULL,
        %(client_id)s::varchar, NULL, NULL, '', %(now)s, NULL, NULL
    FROM chat
    RETURNING seq
), undrafted AS (
    UPDATE {_MEMBERS} SET draft = '', draft_updated_at = %(now)s
    WHERE chat_id = %(chat)s AND user_id = %(sender)s AND draft <> ''
      AND EXISTS (SELECT 1 FROM stored)
    RETURNING 1
)
SELECT
    (SELECT seq FROM stored),
    EXISTS (SELECT 1 FROM session),
    EXISTS (SELECT 1 FROM undrafted),
    ARRAY(SELECT user_id FROM {_MEMBERS} WHERE chat_id = %(chat)s)
"""  # noqa: S608


@dataclass(frozen=True)
class Stored:
    """What the statement did: ``seq`` is None when it stored nothing (then ``session_live``
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
        session_id = uuid.UUID(str(session_id))
    except ValueError:
        return Stored(message_id, None, now, False, False, [])
    params = {
        "session": session_id,
        "sender": sender_id,
        "chat": chat_id,
        "client_id": client_id,
        "content": content,
        "now": now,
        "id": message_id,
        "oldest": now - timedelta(days=settings.TETHER_SESSION_MAX_DAYS),
    }
    pool = await async_db.get_pool()
    async with pool.connection() as conn:
        async with conn.pipeline(), conn.transaction():
            await conn.execute(
                "SELECT pg_advisory_xact_lock_shared(%s)", [blocks_lock_id(user_id=sender_id)]
            )
            await conn.execute(_LOCK_CHAT, params)
            cursor = await conn.execute(_SEND, params)
        seq, live, cleared, member_ids = await cursor.fetchone()
    return Stored(message_id, seq, now, live, cleared, member_ids)
