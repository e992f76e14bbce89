"""Reads about chats and membership."""

from django.db.models import QuerySet

from chats.models import Chat, ChatMember


def chat_member_ids(chat_id) -> list:
    return list(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def chat_for_member(*, user, chat_id) -> Chat | None:
    """The chat if ``user`` belongs to it, with memberships and their users; else None."""
    return (
        Chat.objects.filter(pk=chat_id, memberships__user=user)
        .prefetch_related("memberships__user")
        .first()
    )


def chats_of(user) -> QuerySet:
    return Chat.objects.filter(memberships__user=user)


def is_member(*, user_id, chat_id) -> bool:
    return ChatMember.objects.filter(chat_id=chat_id, user_id=user_id).exists()
