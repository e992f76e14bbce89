"""Where codes go: pluggable backends chosen by TETHER_SMS_BACKEND, like Django's email.

``console`` logs the code, ``file`` appends JSON lines to TETHER_SMS_FILE, ``memory`` keeps
them in ``accounts.sms.memory.outbox`` for tests; any other value is a dotted class path.
"""

from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string

ALIASES = {
    "console": "accounts.sms.console.ConsoleBackend",
    "file": "accounts.sms.file.FileBackend",
    "memory": "accounts.sms.memory.MemoryBackend",
    "locmem": "accounts.sms.memory.MemoryBackend",
}


class BaseSmsBackend:
    def send_code(self, *, phone: str, code: str, sent_at: datetime) -> None:
        raise NotImplementedError


def get_backend() -> BaseSmsBackend:
    name = settings.TETHER_SMS_BACKEND
    return import_string(ALIASES.get(name, name))()


def send_code(*, phone: str, code: str, sent_at: datetime) -> None:
    get_backend().send_code(phone=phone, code=code, sent_at=sent_at)
