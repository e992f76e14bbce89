"""A person's data as one JSON document (contract: "GET /api/users/me/export"), streamed.

The document is written piece by piece: the profile, then each chat with its messages read
500 at a time by seq, so a long history never sits in memory whole. Under ASGI the pieces are
made in a worker thread and handed to the event loop a batch at a time.
"""

import json
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.utils import timezone

from chats.selectors import chats_read_seqs
from messaging.models import Message
from messaging.payloads import iso, message_data, with_extras

BATCH = 500
_FLUSH_BYTES = 64 * 1024


def export_chunks(*, user, profile: dict, chats: list[tuple[object, dict]]) -> Iterator[str]:
    """The document in pieces: ``profile`` is the user object, ``chats`` pairs each chat
    with its chat object as the API shows it."""
    head = {"exported_at": iso(timezone.now()), "user": profile}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "chats": ['
    for index, (chat, chat_data) in enumerate(chats):
        yield ("," if index else "") + '{"chat": ' + json.dumps(chat_data, ensure_ascii=False)
        yield ', "messages": ['
        yield from _messages(chat)
        yield "]}"
    yield "]}"


def _messages(chat) -> Iterator[str]:
    read_seqs = chats_read_seqs([chat.pk])
    after, first = 0, True
    while True:
        page = with_extras(Message.objects.filter(chat=chat, seq__gt=after).order_by("seq"))
        batch = list(page[:BATCH])
        if not batch:
            return
        for message in batch:
            yield ("" if first else ",") + json.dumps(
                message_data(message, read_seqs), ensure_ascii=False
            )
            first = False
        after = batch[-1].seq


async def streamed(chunks: Iterator[str]) -> AsyncIterator[bytes]:
    """``chunks`` for the event loop: each hop to the worker thread brings back up to 64 KiB."""

    def gather() -> bytes | None:
        parts, size = [], 0
        for chunk in chunks:
            encoded = chunk.encode()
            parts.append(encoded)
            size += len(encoded)
            if size >= _FLUSH_BYTES:
                break
        return b"".join(parts) if parts else None

    while (data := await sync_to_async(gather)()) is not None:
        yield data
