"""The moderation queue and log, and the moderation actions on users and messages.

Moderation sits above accounts and messaging, so it extends their admins here rather than
having them import it: the user and message pages gain actions that ask for a reason, act
through the services and are recorded.
"""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from accounts.admin import UserAdmin
from accounts.models import User
from chats.admin import ChatMemberAdmin
from chats.models import ChatMember
from core.admin_tools import ReadOnlyAdminMixin
from core.errors import NotFound, PermissionDenied
from messaging.admin import MessageAdmin
from messaging.models import Message
from moderation.admin_actions import ModerateMixin, with_reason
from moderation.models import ModerationAction, Report
from moderation.services import (
    moderation_deactivate_user,
    moderation_delete_message,
    moderation_dismiss,
    moderation_remove_member,
)

CONTEXT_MESSAGES = 3


def _report_reason(queryset) -> str:
    report = queryset.first()
    return f"Report: {report.get_reason_display()}. {report.text}".strip() if report else ""


@with_reason(description="Delete the reported messages", default_reason=_report_reason)
def delete_reported_messages(modeladmin, request, queryset, reason):
    done = 0
    for report in queryset.filter(target_message__isnull=False).select_related("target_message"):
        if not report.target_message.deleted:
            moderation_delete_message(
                moderator=request.user, message=report.target_message, reason=reason, report=report
            )
            done += 1
    return f"{done} message(s) deleted"


@with_reason(description="Deactivate the reported users", default_reason=_report_reason)
def deactivate_reported_users(modeladmin, request, queryset, reason):
    reports = [r for r in queryset.select_related("target_user") if r.target_user.is_active]
    return _deactivate(request, [(r.target_user, r) for r in reports], reason)


def _deactivate(request, targets: list, reason: str) -> str:
    """Deactivate each ``(user, report)``; staff accounts only when a superuser asks."""
    done = _each(
        request,
        targets,
        lambda target: moderation_deactivate_user(
            moderator=request.user, user=target[0], reason=reason, report=target[1]
        ),
        refused_note="staff account(s) left alone: superusers only.",
    )
    return f"{done} user(s) deactivated"


def _each(request, items, act, *, refused_note: str) -> int:
    """``act`` on every item; a refusal (a rule the service holds) skips it and is counted
    in one warning. The number done."""
    done, refused = 0, 0
    for item in items:
        try:
            act(item)
        except (PermissionDenied, NotFound):
            refused += 1
            continue
        done += 1
    if refused:
        messages.warning(request, f"{refused} {refused_note}")
    return done


@with_reason(description="Dismiss the reports")
def dismiss_reports(modeladmin, request, queryset, reason):
    reports = list(queryset.filter(status=Report.Status.OPEN))
    for report in reports:
        moderation_dismiss(moderator=request.user, report=report, reason=reason)
    return f"{len(reports)} report(s) dismissed"


@admin.register(Report)
class ReportAdmin(ModerateMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "status", "reason", "reporter", "target_user", "about"]
    list_filter = ["status", "reason"]
    search_fields = ["reporter__username", "target_user__username", "target_message__content"]
    list_select_related = ["reporter", "target_user", "target_message"]
    actions = [delete_reported_messages, deactivate_reported_users, dismiss_reports]
    fields = [
        "status", "reason", "text", "reporter", "target_user", "conversation", "created_at",
        "resolved_at", "resolved_by", "history",
    ]  # fmt: skip
    readonly_fields = fields

    def changelist_view(self, request, extra_context=None):
        # The queue opens on what needs a decision.
        if not request.GET and request.method == "GET":
            request.GET = request.GET.copy()
            request.GET["status__exact"] = Report.Status.OPEN
        return super().changelist_view(request, extra_context)

    @admin.display(description="About")
    def about(self, report: Report) -> str:
        if report.target_message is None:
            return "the user"
        return report.target_message.content[:60] or "(deleted message)"

    @admin.display(description="The message in context")
    def conversation(self, report: Report) -> str:
        message = report.target_message
        if message is None:
            return "—"
        nearby = Message.objects.filter(
            chat_id=message.chat_id,
            seq__gte=message.seq - CONTEXT_MESSAGES,
            seq__lte=message.seq + CONTEXT_MESSAGES,
        ).select_related("sender")
        rows = format_html_join(
            "",
            '<tr style="{}"><td>#{}</td><td>@{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    "background: #fff3cd; font-weight: bold" if m.pk == message.pk else "",
                    m.seq,
                    m.sender.username,
                    m.created_at.strftime("%Y-%m-%d %H:%M"),
                    m.content if not m.deleted else "(deleted)",
                )
                for m in nearby
            ),
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description="Actions taken")
    def history(self, report: Report) -> str:
        return (
            format_html_join(
                "",
                "<div>{} — {} by {}: {}</div>",
                (
                    (
                        a.created_at.strftime("%Y-%m-%d %H:%M"),
                        a.get_kind_display(),
                        a.moderator,
                        a.reason,
                    )
                    for a in report.actions.select_related("moderator")
                ),
            )
            or "—"
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "moderator", "kind", "target_user", "reason"]
    list_filter = ["kind"]
    search_fields = ["moderator__username", "target_user__username", "reason"]
    list_select_related = ["moderator", "target_user"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at", "moderator", "kind", "target_user", "target_message", "report", "reason",
    ]  # fmt: skip
    fields = readonly_fields


@with_reason(description="Deactivate the selected users (ends their sessions and sockets)")
def deactivate_users(modeladmin, request, queryset, reason):
    return _deactivate(request, [(user, None) for user in queryset.filter(is_active=True)], reason)


@with_reason(description="Delete the selected messages (members are told; the seq stays)")
def moderate_delete(modeladmin, request, queryset, reason):
    found = list(queryset.filter(deleted_at__isnull=True))
    for message in found:
        moderation_delete_message(moderator=request.user, message=message, reason=reason)
    return f"{len(found)} message(s) deleted"


@with_reason(description="Remove the selected members from their groups (the group is told)")
def remove_from_group(modeladmin, request, queryset, reason):
    done = _each(
        request,
        queryset.select_related("chat"),
        lambda membership: moderation_remove_member(
            moderator=request.user, membership=membership, reason=reason
        ),
        refused_note="left alone: owners, and direct chats, stay.",
    )
    return f"{done} member(s) removed"


class ModeratedChatMemberAdmin(ModerateMixin, ChatMemberAdmin):
    actions = [remove_from_group]


class ModeratedUserAdmin(ModerateMixin, UserAdmin):
    actions = [deactivate_users]

    def has_change_permission(self, request, obj=None) -> bool:
        # Staff accounts are changed (deactivated, demoted) by superusers only.
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class ModeratedMessageAdmin(ModerateMixin, MessageAdmin):
    actions = [moderate_delete]


for model, model_admin in (
    (User, ModeratedUserAdmin),
    (Message, ModeratedMessageAdmin),
    (ChatMember, ModeratedChatMemberAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
