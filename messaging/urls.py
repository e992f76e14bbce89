from core.api.routes import api_path
from messaging.api import chats, messages

urlpatterns = [
    *api_path("chats", chats.ChatListView.as_view(), "chat-list"),
    *api_path("chats/<uuid:chat_id>", chats.ChatDetailView.as_view(), "chat-detail"),
    *api_path("chats/<uuid:chat_id>/messages", chats.ChatMessagesView.as_view(), "chat-messages"),
    *api_path("chats/<uuid:chat_id>/read", chats.ChatReadView.as_view(), "chat-read"),
    *api_path("messages", messages.MessageSendView.as_view(), "message-send"),
    *api_path("messages/<uuid:message_id>", messages.MessageDetailView.as_view(), "message-detail"),
]
