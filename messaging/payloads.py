"""The contract's message object as a plain dict, built without DRF.

It runs for every message sent, listed and pushed, so it reads only what the caller already
loaded: the message row and the chat's read seqs (``{chat_id: {user_id: last_read_seq}}``).
"""

from datetime import UTC, datetime

from chats.models import Chat
from messaging.models import Message

ReadSeqs = dict  # {chat_id: {user_id: last_read_seq}}


def iso(moment: datetime | None) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in UTC with a ``Z``."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def read_seqs_of(chat: Chat) -> ReadSeqs:
    """``{chat.id: {user_id: last_read_seq}}`` from the chat's prefetched memberships."""
    return {chat.id: {m.user_id: m.last_read_seq for m in chat.memberships.all()}}


def is_read(message: Message, read_seqs: ReadSeqs) -> bool:
    """Every member other than the sender has read up to the message."""
    reads = read_seqs.get(message.chat_id, {})
    others = [seq for user_id, seq in reads.items() if user_id != message.sender_id]
    return bool(others) and all(seq >= message.seq for seq in others)


def message_data(message: Message, read_seqs: ReadSeqs) -> dict:
    """The contract's message object."""
    return {
        "id": str(message.id),
        "chat_id": str(message.chat_id),
        "seq": message.seq,
        "kind": message.kind,
        "sender_id": str(message.sender_id),
        "content": message.content,
        "client_id": message.client_id,
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "deleted": message.deleted_at is not None,
        "is_read": is_read(message, read_seqs),
        "reply_to": None,
        "forwarded_from": None,
        "reactions": [],
        "attachments": [],
        "system": system_data(message.system) if message.kind == Message.Kind.SYSTEM else None,
    }


def system_data(system: dict | None) -> dict:
    """The contract's ``system`` object, every key present."""
    system = system or {}
    return {
        "event": system.get("event"),
        "actor_id": system.get("actor_id"),
        "user_ids": list(system.get("user_ids") or []),
        "title": system.get("title"),
        "role": system.get("role"),
    }
