"""Admin actions that ask for a reason, then act through the moderation services."""

from django.contrib import messages
from django.template.response import TemplateResponse


def with_reason(*, description: str, default_reason=None):
    """Decorate ``act(modeladmin, request, queryset, reason)`` into an admin action that
    first shows a form for the reason; needs the ``moderation.moderate`` permission."""

    def decorate(act):
        def action(modeladmin, request, queryset):
            reason = (request.POST.get("reason") or "").strip()
            if request.POST.get("apply") == "yes" and reason:
                done = act(modeladmin, request, queryset, reason)
                modeladmin.message_user(request, f"{description}: {done}.", messages.SUCCESS)
                return None
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "queryset": queryset,
                "action": act.__name__,
                "default_reason": default_reason(queryset) if default_reason else "",
                "opts": modeladmin.model._meta,
            }
            return TemplateResponse(request, "admin/moderation/reason.html", context)

        action.__name__ = act.__name__
        action.short_description = description
        action.allowed_permissions = ("moderate",)
        return action

    return decorate


class ModerateMixin:
    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("moderation.moderate")
