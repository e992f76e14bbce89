"""Reads about chats and membership."""

from chats.models import ChatMember


def chat_member_ids(chat_id) -> list:
    """The ids of the chat's members: whom its events go to."""
    return list(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def chat_read_seqs(chat_id) -> dict:
    """``{user_id: last_read_seq}`` of the chat's members, in one query."""
    return dict(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", "last_read_seq"))
