import fcntl
import json

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.sms import BaseSmsBackend


class FileBackend(BaseSmsBackend):
    """Appends one JSON line per code to TETHER_SMS_FILE; safe with several processes."""

    def __init__(self):
        if not settings.TETHER_SMS_FILE:
            raise ImproperlyConfigured("TETHER_SMS_BACKEND=file needs TETHER_SMS_FILE.")
        self.path = settings.TETHER_SMS_FILE

    def send_code(self, *, phone, code, sent_at):
        line = json.dumps({"phone": phone, "code": code, "sent_at": sent_at.isoformat()}) + "\n"
        with open(self.path, "a", encoding="utf-8") as outbox:
            fcntl.flock(outbox, fcntl.LOCK_EX)
            try:
                outbox.write(line)
                outbox.flush()
            finally:
                fcntl.flock(outbox, fcntl.LOCK_UN)
