"""No token ever reaches a log line, whatever logs it."""

import io
import logging

import pytest

from core.log_redaction import RedactTokensFilter, redact
from tests.helpers import sign_in

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.c2lnbmF0dXJlLXBhcnQ"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("GET /ws/?token=opaque-token-value HTTP/1.1", "opaque-token-value"),
        ("GET /ws/?a=1&token=opaque-token-value&b=2", "opaque-token-value"),
        ("/x?access=abc.def.ghi", "abc.def.ghi"),
        ("/x?refresh=abc.def.ghi", "abc.def.ghi"),
        ('body {"refresh": "opaque-refresh-value"}', "opaque-refresh-value"),
        ('body {"access":"opaque-access-value"}', "opaque-access-value"),
        ('body {"phone": "+79161234567", "code": "987650"}', "987650"),
        ("Authorization: Bearer opaque.header.value", "opaque.header.value"),
        (f"a bare token {JWT} in a sentence", JWT),
    ],
)
def test_redact_removes_every_form_of_token(line, secret):
    cleaned = redact(line)
    assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_redact_leaves_ordinary_lines_alone():
    line = "GET /api/users/me 200 phone=+79161234567 took 12 ms"
    assert redact(line) == line


@pytest.mark.django_db
def test_the_configured_log_handler_never_writes_a_real_token(user):
    tokens = sign_in(user)
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactTokensFilter) for f in handler.filters)
    ]
    assert handlers, "the console handler lost its redaction filter"
    handler = handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logger = logging.getLogger("tether.test")
        logger.warning("WebSocket /ws/?token=%s refused", tokens.access)
        logger.warning("refresh body %s", f'{{"refresh": "{tokens.refresh}"}}')
        logger.warning("header %s", f"Authorization: Bearer {tokens.access}")
    finally:
        handler.setStream(previous)
    written = stream.getvalue()
    assert written.count("[redacted]") == 3, written
    assert tokens.access not in written and tokens.refresh not in written
    for part in tokens.access.split("."):
        assert part not in written
