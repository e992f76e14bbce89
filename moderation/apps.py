from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moderation.groups import ensure_moderators_group

        # After every migrate: permissions exist only once post_migrate has created them.
        post_migrate.connect(ensure_moderators_group, weak=False, dispatch_uid="moderators")
