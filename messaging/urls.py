from core.api.routes import api_path
from messaging.api import attachments, chats, groups, messages, search

urlpatterns = [
    *api_path("chats", chats.ChatListView.as_view(), "chat-list"),
    *api_path("chats/<uuid:chat_id>", chats.ChatDetailView.as_view(), "chat-detail"),
    *api_path("chats/<uuid:chat_id>/messages", chats.ChatMessagesView.as_view(), "chat-messages"),
    *api_path("chats/<uuid:chat_id>/read", chats.ChatReadView.as_view(), "chat-read"),
    *api_path("chats/<uuid:chat_id>/pin", chats.ChatPinView.as_view(), "chat-pin"),
    *api_path("chats/<uuid:chat_id>/draft", chats.ChatDraftView.as_view(), "chat-draft"),
    *api_path("chats/<uuid:chat_id>/settings", chats.ChatSettingsView.as_view(), "chat-settings"),
    *api_path("chats/<uuid:chat_id>/members", groups.GroupMembersView.as_view(), "chat-members"),
    *api_path(
        "chats/<uuid:chat_id>/members/<uuid:user_id>",
        groups.GroupMemberView.as_view(),
        "chat-member",
    ),
    *api_path(
        "messages/<uuid:message_id>/readers",
        groups.MessageReadersView.as_view(),
        "message-readers",
    ),
    *api_path(
        "messages/<uuid:message_id>/reaction",
        messages.MessageReactionView.as_view(),
        "message-reaction",
    ),
    *api_path("messages", messages.MessageSendView.as_view(), "message-send"),
    *api_path("search/messages", search.MessageSearchView.as_view(), "message-search"),
    *api_path("users/me/export", chats.ExportView.as_view(), "user-export"),
    *api_path("attachments", attachments.AttachmentUploadView.as_view(), "attachment-upload"),
    *api_path(
        "attachments/<uuid:attachment_id>/content",
        attachments.AttachmentContentView.as_view(),
        "attachment-content",
    ),
    *api_path(
        "attachments/<uuid:attachment_id>/thumbnail",
        attachments.AttachmentThumbnailView.as_view(),
        "attachment-thumbnail",
    ),
    *api_path("messages/<uuid:message_id>", messages.MessageDetailView.as_view(), "message-detail"),
]
