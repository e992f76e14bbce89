"""Messages in the admin: find them by content, chat, sender and state. The moderation app
adds the action that deletes through the service."""

import uuid

from django.contrib import admin
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from core.admin_tools import ReadOnlyAdminMixin, TextInputFilter
from messaging.models import Message


class ChatFilter(TextInputFilter):
    title = "chat id"
    parameter_name = "chat"

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        return queryset.filter(chat_id=value) if _is_uuid(value) else queryset


class SenderFilter(TextInputFilter):
    title = "sender (username or phone)"
    parameter_name = "sender"

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        if not value:
            return queryset
        username = User.normalize_username(value.lstrip("@"))
        return queryset.filter(sender__username=username) | queryset.filter(sender__phone=value)


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", "Deleted"), ("no", "Not deleted")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["seq", "short_content", "sender", "chat_link", "created_at", "is_deleted"]
    list_filter = [DeletedFilter, ChatFilter, SenderFilter]
    search_fields = ["content"]
    list_select_related = ["sender"]
    date_hierarchy = "created_at"
    fields = [
        "id", "chat", "seq", "sender", "content", "client_id", "created_at", "edited_at",
        "deleted_at",
    ]  # fmt: skip
    readonly_fields = fields
    ordering = ["-created_at"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # never a hard delete from the list
        return actions

    @admin.display(description="Content")
    def short_content(self, message: Message) -> str:
        return message.content[:80] or "—"

    @admin.display(description="Chat")
    def chat_link(self, message: Message) -> str:
        url = reverse("admin:messaging_message_changelist") + f"?chat={message.chat_id}"
        return format_html('<a href="{}">{}</a>', url, str(message.chat_id)[:8])

    @admin.display(description="Deleted", boolean=True)
    def is_deleted(self, message: Message) -> bool:
        return message.deleted
