"""Message search (contract: "Search and settings").

On PostgreSQL, full-text search with both the Russian and the English configuration over a
stored vector that a partial GIN index covers (migration ``0007``): every word of
the query in any grammatical form, the last one also as a prefix (people search as they type),
``ё`` read as ``е``. Deleted and system messages are never in the index, so never found. On
SQLite, a case-insensitive substring match of every word.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from chats.models import ChatMember
from core.errors import NotFound, ValidationFailed
from messaging.models import Message
from messaging.payloads import with_extras

# The stored vector (a generated column, migration 0007) that the GIN index covers: Russian
# and English vectors of the content with ё read as е. Named with its table, since a page
# joins the messages that replies answer.
SEARCH_VECTOR = "messaging_message.search_vector"
_WORD = re.compile(r"\w+")
_CURSOR_SALT = "tether.search.cursor"


@dataclass(frozen=True)
class SearchPage:
    messages: list[Message]
    has_more: bool
    next_cursor: str | None


def search_words(q: str) -> list[str]:
    return _WORD.findall(q.lower().replace("ё", "е"))


def _matching(messages: QuerySet, words: list[str]) -> QuerySet:
    if connection.vendor != "postgresql":
        for word in words:
            messages = messages.filter(content__icontains=word)
        return messages
    parts, params = [], []
    either = "(to_tsquery('russian'::regconfig, %s) || to_tsquery('english'::regconfig, %s))"
    for index, word in enumerate(words):
        term = f"{word}:*" if index == len(words) - 1 else word
        parts.append(either)
        params += [term, term]
    # Only bound parameters reach it, and they are \w+ words, so never tsquery syntax.
    match = RawSQL(f"{SEARCH_VECTOR} @@ ({' && '.join(parts)})", params, BooleanField())  # noqa: S611
    return messages.filter(match)


def _cursor_of(message: Message) -> str:
    return signing.dumps([message.created_at.isoformat(), str(message.pk)], salt=_CURSOR_SALT)


def _after(cursor: str) -> Q:
    try:
        created, pk = signing.loads(cursor, salt=_CURSOR_SALT)
        created = datetime.fromisoformat(created)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationFailed.on("cursor", "Not a cursor this search gave.") from None
    return Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk)


def message_search(
    *, viewer, q: str, chat_id=None, limit: int = 20, cursor: str | None = None
) -> SearchPage:
    """The viewer's current chats' text messages holding every word of ``q``, newest first."""
    mine = ChatMember.objects.filter(user=viewer)
    if chat_id is not None:
        if not mine.filter(chat_id=chat_id).exists():
            raise NotFound("No such chat.")
        mine = mine.filter(chat_id=chat_id)
    words = search_words(q)
    if not words:
        return SearchPage([], False, None)
    messages = Message.objects.filter(
        chat_id__in=mine.values("chat_id"), kind=Message.Kind.TEXT, deleted_at__isnull=True
    )
    if cursor:
        messages = messages.filter(_after(cursor))
    messages = _matching(messages, words).order_by("-created_at", "-pk")
    rows = list(with_extras(messages)[: limit + 1])
    page, more = rows[:limit], len(rows) > limit
    return SearchPage(page, more, _cursor_of(page[-1]) if more else None)
