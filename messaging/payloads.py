"""The contract's message object as a plain dict, built without DRF.

It runs for every message sent, listed and pushed, so it reads only what the caller already
loaded: the message row and the chat's read seqs (``{chat_id: {user_id: last_read_seq}}``).
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from chats.models import Chat
from chats.selectors import read_seqs_shown
from messaging.models import Attachment, Message, MessageAttachment, Reaction

ReadSeqs = dict  # {chat_id: {user_id: last_read_seq}}


def iso(moment: datetime | None) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in UTC with a ``Z``."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def read_seqs_of(chat: Chat) -> ReadSeqs:
    """``{chat.id: {user_id: last_read_seq}}`` from the chat's prefetched memberships (with
    their users), as the read-receipt rules let them be seen."""
    rows = [(m.user_id, m.last_read_seq, m.user.read_receipts) for m in chat.memberships.all()]
    return {chat.id: read_seqs_shown(chat.kind, rows)}


def is_read(message: Message, read_seqs: ReadSeqs) -> bool:
    """Every member other than the sender has read up to the message."""
    reads = read_seqs.get(message.chat_id, {})
    others = [seq for user_id, seq in reads.items() if user_id != message.sender_id]
    return bool(others) and all(seq >= message.seq for seq in others)


REPLY_QUOTE = 200  # characters of the original that a reply carries


def attachment_data(attachment: Attachment) -> dict:
    """The contract's attachment object; its bytes come from the API, after the access check."""
    base = f"/api/attachments/{attachment.id}"
    return {
        "id": str(attachment.id),
        "kind": attachment.kind,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "width": attachment.width,
        "height": attachment.height,
        "url": f"{base}/content",
        "thumbnail_url": f"{base}/thumbnail" if attachment.kind == Attachment.Kind.IMAGE else None,
    }


def reply_data(original: Message | None, has_attachments: bool) -> dict | None:
    """The contract's ``reply_to`` summary of the message answered."""
    if original is None:
        return None
    deleted = original.deleted_at is not None
    return {
        "id": str(original.id),
        "seq": original.seq,
        "sender_id": str(original.sender_id),
        "kind": original.kind,
        "content": "" if deleted else original.content[:REPLY_QUOTE],
        "deleted": deleted,
        "has_attachments": has_attachments and not deleted,
    }


def forwarded_data(message: Message) -> dict | None:
    if message.forwarded_from_user_id is None:
        return None
    return {
        "sender_id": str(message.forwarded_from_user_id),
        "display_name": message.forwarded_from_name,
    }


def reactions_data(reactions: Iterable[Reaction]) -> list[dict]:
    """``[{"emoji", "count", "user_ids"}]``: the most used first, ties by the earliest
    reaction; each emoji's people in the order they reacted."""
    groups: dict[str, dict] = {}
    for reaction in sorted(reactions, key=lambda r: (r.created_at, r.pk or 0)):
        group = groups.setdefault(reaction.emoji, {"emoji": reaction.emoji, "user_ids": []})
        group["user_ids"].append(str(reaction.user_id))
    ordered = sorted(groups.values(), key=lambda group: -len(group["user_ids"]))  # stable
    return [
        {"emoji": g["emoji"], "count": len(g["user_ids"]), "user_ids": g["user_ids"]}
        for g in ordered
    ]


def message_data(
    message: Message,
    read_seqs: ReadSeqs,
    *,
    reactions: Iterable[Reaction] | None = None,
    attachments: Iterable[Attachment] | None = None,
) -> dict:
    """The contract's message object.

    ``reactions`` and ``attachments`` default to the message's own: prefetch them
    (``with_extras``) for a page of messages; a message just stored passes what it has.
    ``reply_to`` is read through the foreign key, so pages select it with the message.
    """
    if message.deleted_at is not None:
        reactions, attachments = (), ()
    if reactions is None:
        reactions = message.reactions.all()
    if attachments is None:
        attachments = [link.attachment for link in message.attachment_links.all()]
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
        "reply_to": _reply(message),
        "forwarded_from": forwarded_data(message),
        "reactions": reactions_data(reactions),
        "attachments": [attachment_data(a) for a in attachments],
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


def _reply(message: Message) -> dict | None:
    if message.reply_to_id is None:
        return None
    original = message.reply_to
    has = getattr(message, "reply_to_has_attachments", None)
    if has is None:
        has = getattr(original, "has_attachments", None)
    if has is None and "attachment_links" in getattr(original, "_prefetched_objects_cache", {}):
        has = bool(original.attachment_links.all())
    if has is None:
        has = MessageAttachment.objects.filter(message_id=original.pk).exists()
    return reply_data(original, has)


def with_extras(messages: QuerySet) -> QuerySet:
    """Messages ready for ``message_data`` in a fixed number of queries however many: the
    message answered joined in (and whether it has attachments), reactions and attachments
    in one more query each."""
    answered_has_files = MessageAttachment.objects.filter(message_id=OuterRef("reply_to_id"))
    return (
        messages.select_related("reply_to")
        .annotate(reply_to_has_attachments=Exists(answered_has_files))
        .prefetch_related(
            "reactions",
            Prefetch(
                "attachment_links",
                queryset=MessageAttachment.objects.select_related("attachment").order_by(
                    "position"
                ),
            ),
        )
    )
