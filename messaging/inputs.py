"""A send as clients write it (a REST body or a socket frame), turned into a service call.

Both doors come here so they answer alike: the input's shape is checked by the same
serializer, and a repeated ``client_id`` answers the original even when the rest of the input
is malformed (the contract checks it before any rule but authentication).
"""

import re
import uuid
from collections.abc import Awaitable, Callable

from rest_framework.exceptions import ValidationError

from core import async_db
from core.api.fields import UUID_PATTERN
from core.errors import ValidationFailed
from messaging.content import content_check
from messaging.serializers import MessageSendSerializer, client_id_of
from messaging.services import SendResult, message_find_repeat, message_send
from messaging.services.sending import amessage_send_plain

_UUID = re.compile(UUID_PATTERN)
# A plain send: a text and perhaps a client_id, nothing answered, forwarded or attached.
_PLAIN_KEYS = {"type", "chat_id", "content", "client_id"}
_UNSET_KEYS = {"reply_to_id", "forward_of_id", "attachment_ids"}


def message_send_from_input(*, sender, data) -> SendResult:
    serializer = MessageSendSerializer(data=data)
    if not serializer.is_valid():
        repeated = message_find_repeat(sender=sender, client_id=client_id_of(data))
        if repeated is not None:
            return repeated
        raise ValidationError(serializer.errors)
    return message_send(sender=sender, **serializer.validated_data)


def plain_send(data) -> tuple[uuid.UUID, str, str | None] | None:
    """``(chat_id, content, client_id)`` of a send that the one-round-trip path can take:
    plain text, every field valid. Anything else (a reply, a forward, attachments, an input
    error) is None and goes the ORM way, which words every error."""
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        if key not in _PLAIN_KEYS and not (key in _UNSET_KEYS and value is None):
            return None
    chat_id, content, client_id = data.get("chat_id"), data.get("content"), data.get("client_id")
    if not isinstance(chat_id, str) or not _UUID.fullmatch(chat_id):
        return None
    if client_id is not None and not (
        isinstance(client_id, str) and 1 <= len(client_id) <= 64 and _clean(client_id)
    ):
        return None
    try:
        content_check(content)
    except ValidationFailed:
        return None
    return uuid.UUID(chat_id), content, client_id


def _clean(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def amessage_send_from_input(
    *,
    sender,
    session_id,
    data,
    run_sync: Callable[..., Callable[..., Awaitable[SendResult]]],
) -> SendResult:
    """``message_send_from_input`` for the event loop: a plain send in one round trip on
    PostgreSQL; everything else, and every refusal, by the ORM path run through
    ``run_sync`` (a worker thread)."""
    plain = plain_send(data) if async_db.available() else None
    if plain is not None:
        chat_id, content, client_id = plain
        result = await amessage_send_plain(
            sender_id=sender.pk,
            session_id=session_id,
            chat_id=chat_id,
            content=content,
            client_id=client_id,
        )
        if result is not None:
            return result
    return await run_sync(message_send_from_input)(sender=sender, data=data)
