"""Reads about chats and membership."""

from chats.models import ChatMember


def chat_member_ids(chat_id) -> list:
    return list(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))
