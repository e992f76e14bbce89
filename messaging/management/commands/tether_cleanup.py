"""``python manage.py tether_cleanup``: run it from cron or a timer (safe on several hosts)."""

from django.core.management.base import BaseCommand

from messaging.services.uploads import attachments_cleanup


class Command(BaseCommand):
    help = (
        "Remove uploads never sent within a day, and the bytes of attachments that no message "
        "shows any more (deleted messages). Safe to run on several hosts at once."
    )

    def handle(self, *args, **options) -> None:
        unsent, unlinked = attachments_cleanup()
        self.stdout.write(f"Removed {unsent} unsent uploads and {unlinked} unused attachments.")
