"""The two shapes of a log line (``TETHER_LOG_FORMAT``): ``text`` and ``json``.

Both carry the request id and both pass the finished line through ``redact`` once more: the
redaction filter cleans the message, this also covers tracebacks and extra fields.
"""

import logging
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from core.log_redaction import redact
from core.request_id import NO_REQUEST, current_request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def _ensure_request_id(record: logging.LogRecord) -> None:
    """For a handler configured without the RequestIdFilter."""
    if not getattr(record, "request_id", None):
        record.request_id = current_request_id() or NO_REQUEST


class TextFormatter(logging.Formatter):
    """``time LEVEL logger [request id] message``, as the console has always read."""

    def __init__(self, fmt: str = TEXT_FORMAT, **kwargs):
        super().__init__(fmt, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        _ensure_request_id(record)
        return redact(super().format(record))


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: ``time`` (ISO 8601, UTC), ``level``, ``logger``,
    ``message``, ``request_id``, then the record's extra fields (``exc_info`` for errors)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        # Django attaches the request object to some records: never dump it (its repr holds
        # the full path, query string included).
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "taskName"])
        super().__init__(JSON_FIELDS, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        _ensure_request_id(record)
        return redact(super().format(record))
