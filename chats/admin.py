"""Chats in the admin: direct chats and groups with their members and roles. The
moderation app adds the action that removes a member from a group."""

from django.contrib import admin

from chats.models import Chat, ChatMember


class ChatMemberInline(admin.TabularInline):
    model = ChatMember
    extra = 0
    fields = ["user", "role", "last_read_seq", "joined_at"]
    readonly_fields = fields
    can_delete = False
    ordering = ["joined_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "title", "member_names", "last_seq", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["id", "title", "memberships__user__username", "memberships__user__phone"]
    readonly_fields = ["id", "kind", "title", "direct_key", "last_seq", "created_at", "updated_at"]
    inlines = [ChatMemberInline]
    date_hierarchy = "updated_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__user")

    @admin.display(description="Members")
    def member_names(self, chat: Chat) -> str:
        names = [f"@{m.user.username}" for m in chat.memberships.all()]
        return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChatMember)
class ChatMemberAdmin(admin.ModelAdmin):
    """Memberships, to find who is in which group (and, for moderators, to remove them)."""

    list_display = ["user", "chat", "role", "joined_at"]
    list_filter = ["role", "chat__kind"]
    search_fields = ["chat__title", "user__username", "user__phone", "=chat__id"]
    list_select_related = ["user", "chat"]
    readonly_fields = ["chat", "user", "role", "last_read_seq", "joined_at"]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
