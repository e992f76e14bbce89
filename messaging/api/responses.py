"""The chat object as every chat endpoint answers it, with the page's presence loaded once."""

from rest_framework import status
from rest_framework.response import Response

from accounts import presence
from core.errors import NotFound
from messaging import selectors
from messaging.serializers import ChatSerializer


def chat_context(viewer, chats) -> dict:
    users = {m.user_id: m.user for chat in chats for m in chat.memberships.all()}
    return {"viewer": viewer, **presence.seen_by(viewer, users.values())}


def chat_response(viewer, chat_id, status_code=status.HTTP_200_OK) -> Response:
    chat = selectors.chat_detail(viewer=viewer, chat_id=chat_id)
    if chat is None:
        raise NotFound("No such chat.")
    return Response(ChatSerializer(chat, context=chat_context(viewer, [chat])).data, status_code)
