from django.contrib import admin

from chats.models import Chat, ChatMember


class ChatMemberInline(admin.TabularInline):
    model = ChatMember
    extra = 0
    fields = ["user", "role", "last_read_seq", "joined_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "member_names", "last_seq", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["id", "memberships__user__username", "memberships__user__phone"]
    readonly_fields = ["id", "kind", "direct_key", "last_seq", "created_at", "updated_at"]
    inlines = [ChatMemberInline]
    date_hierarchy = "updated_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__user")

    @admin.display(description="Members")
    def member_names(self, chat: Chat) -> str:
        return ", ".join(f"@{m.user.username}" for m in chat.memberships.all())

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
