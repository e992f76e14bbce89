"""Logging filter that keeps credentials and phone numbers out of every log line.

Tokens travel in query strings (``/ws/?token=...``) and JSON bodies, phone numbers and codes
in query strings (``/api/users?phone=...``); whatever a library logs, the server's access log
included, the value is replaced before a handler writes it.
"""

import logging
import re

_PATTERNS = [
    re.compile(r"(?i)([?&](?:token|access|refresh|phone|code)=)[^&#\s\"']+"),
    re.compile(r"(?i)(\"(?:token|access|refresh|code)\"\s*:\s*\")[^\"]+"),
    re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9\-_.]+"),
    re.compile(r"eyJ[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+"),
]


def redact(text: str) -> str:
    """Return ``text`` with every token-looking value, and the ``phone`` and ``code`` of a
    query string, replaced by ``[redacted]``."""
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(r"\1[redacted]", text)
        else:
            text = pattern.sub("[redacted]", text)
    return text


class RedactTokensFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
