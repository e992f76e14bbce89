"""Reads about chats and membership."""

from chats.models import ChatMember


def chat_member_ids(chat_id) -> list:
    """The ids of the chat's members: whom its events go to."""
    return list(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def chat_read_seqs(chat_id) -> dict:
    """``{user_id: last_read_seq}`` of the chat's members, in one query."""
    return dict(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", "last_read_seq"))


def chat_last_seqs(user_id) -> dict[str, int]:
    """``{chat_id: last_seq}`` of every chat the user is in, in one query: where a new socket
    starts counting each chat's seqs (messaging/ordering.py)."""
    rows = ChatMember.objects.filter(user_id=user_id).values_list("chat_id", "chat__last_seq")
    return {str(chat_id): last_seq for chat_id, last_seq in rows}
