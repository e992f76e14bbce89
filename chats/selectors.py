"""Reads about chats and membership."""

from chats.models import Chat, ChatMember


def chat_member_ids(chat_id) -> list:
    """The ids of the chat's members: whom its events go to."""
    return list(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def chat_read_seqs(chat_id) -> dict:
    """``{user_id: last_read_seq}`` of the chat's members as others may see them, in one
    query (``read_seqs_shown``)."""
    rows = ChatMember.objects.filter(chat_id=chat_id).values_list(
        "user_id", "last_read_seq", "user__read_receipts", "chat__kind"
    )
    rows = list(rows)
    kind = rows[0][3] if rows else Chat.Kind.GROUP
    return read_seqs_shown(kind, [(user, seq, receipts) for user, seq, receipts, _ in rows])


def read_seqs_shown(kind: str, rows) -> dict:
    """``{user_id: last_read_seq}`` from ``(user_id, last_read_seq, read_receipts)``: when
    either person of a direct chat turned read receipts off, neither sees the other's
    reading there (every seq reads 0); groups are not affected."""
    rows = list(rows)
    if kind == Chat.Kind.DIRECT and not all(receipts for _, _, receipts in rows):
        return {user: 0 for user, _, _ in rows}
    return {user: seq for user, seq, _ in rows}


def receipts_hidden(chat: Chat, memberships) -> bool:
    """Read state is hidden in this direct chat (memberships with their users loaded)."""
    return chat.kind == Chat.Kind.DIRECT and not all(m.user.read_receipts for m in memberships)


def chat_last_seqs(user_id) -> dict[str, int]:
    """``{chat_id: last_seq}`` of every chat the user is in, in one query: where a new socket
    starts counting each chat's seqs (messaging/ordering.py)."""
    rows = ChatMember.objects.filter(user_id=user_id).values_list("chat_id", "chat__last_seq")
    return {str(chat_id): last_seq for chat_id, last_seq in rows}


def chat_sharing(viewer_id, user_ids: list) -> set:
    """The ids among ``user_ids`` that share a chat with ``viewer_id`` (one query)."""
    return set(
        ChatMember.objects.filter(user_id__in=user_ids, chat__memberships__user_id=viewer_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def chats_read_seqs(chat_ids) -> dict:
    """``{chat_id: {user_id: last_read_seq}}`` of several chats as others may see them (the
    read-receipt rule), in one query."""
    rows = ChatMember.objects.filter(chat_id__in=list(chat_ids)).values_list(
        "chat_id", "user_id", "last_read_seq", "user__read_receipts", "chat__kind"
    )
    by_chat: dict = {}
    kinds: dict = {}
    for chat_id, user_id, seq, receipts, kind in rows:
        by_chat.setdefault(chat_id, []).append((user_id, seq, receipts))
        kinds[chat_id] = kind
    return {
        chat_id: read_seqs_shown(kinds[chat_id], members) for chat_id, members in by_chat.items()
    }
