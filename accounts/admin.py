"""Accounts in the admin: find people, audit codes (never their hash). The moderation app
adds the actions that cut people off."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models

from accounts.models import AuthSession, User, VerificationCode
from accounts.services.users import user_deactivate
from core.admin_tools import ReadOnlyAdminMixin


class AuthSessionInline(admin.TabularInline):
    model = AuthSession
    extra = 0
    can_delete = False
    fields = ["device", "ip", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    ordering = ["-last_used_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "phone", "is_active", "is_staff", "last_seen"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["phone", "username", "display_name"]
    ordering = ["-date_joined"]
    readonly_fields = ["id", "date_joined", "last_login", "last_seen", "deleted_at"]
    inlines = [AuthSessionInline]
    # Django 6 will assume https for scheme-less URLs; say so now (and silence the warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["id", "phone", "username", "password"]}),
        ("Profile", {"fields": ["display_name", "bio", "avatar_url"]}),
        ("Status", {"fields": ["is_active", "last_seen", "date_joined", "deleted_at"]}),
        ("Staff", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["phone", "username", "display_name", "password1", "password2"]}),
    ]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" cuts the person off like any deactivation: the service
            # ends their sessions and closes their sockets.
            user_deactivate(user=obj)


@admin.register(VerificationCode)
class VerificationCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    date_hierarchy = "created_at"
    fields = [
        "id", "phone", "purpose", "display_name", "user", "ip", "created_at",
        "expires_at", "attempts", "used_at", "replaced_at",
    ]  # fmt: skip
    readonly_fields = fields
