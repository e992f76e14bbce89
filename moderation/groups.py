"""The "Moderators" group: exactly the permissions moderation needs, nothing more."""

from django.contrib.auth.models import Group, Permission

MODERATORS = "Moderators"
PERMISSIONS = [
    ("accounts", "view_user"),
    ("chats", "view_chat"),
    ("chats", "view_chatmember"),
    ("messaging", "view_message"),
    ("moderation", "view_report"),
    ("moderation", "view_moderationaction"),
    ("moderation", "moderate"),
]


def ensure_moderators_group(**kwargs) -> None:
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    wanted = []
    for app_label, codename in PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is None:  # that app's permissions are not created yet
            return
        wanted.append(permission)
    group.permissions.set(wanted)
