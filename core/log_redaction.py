"""Logging filter that keeps credentials out of every log line.

Tokens travel in query strings (``/ws/?token=...``) and JSON bodies; whatever a library logs,
the value is replaced before a handler writes it.
"""

import logging
import re

_PATTERNS = [
    re.compile(r"(?i)([?&](?:token|access|refresh)=)[^&\s\"']+"),
    re.compile(r"(?i)(\"(?:token|access|refresh|code)\"\s*:\s*\")[^\"]+"),
    re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9\-_.]+"),
    re.compile(r"eyJ[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+"),
]


def redact(text: str) -> str:
    """Return ``text`` with every token-looking value replaced by ``[redacted]``."""
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
