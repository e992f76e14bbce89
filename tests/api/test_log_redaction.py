"""No token, code or phone number of a query string ever reaches a log line, whatever logs
it, the server's access log included."""

import io
import logging
import re
import time

import pytest
from websockets.sync.client import connect

from core.log_redaction import RedactTokensFilter, redact
from tests.helpers import sign_in
from tests.servers import http, sms_code, tether_servers
from tether.daphne_compat import log_access

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
        ('"GET /api/users?phone=%2B79161234567" 200 512', "79161234567"),
        ("GET /api/users?phone=+79161234567 HTTP/1.1", "79161234567"),
        ("/api/users?limit=5&PHONE=89161234567#top", "89161234567"),
        ("/verify/?code=987650&next=/chats/", "987650"),
        ("'/api/x?a=1&code=987650'", "987650"),
    ],
)
def test_redact_removes_every_form_of_token(line, secret):
    cleaned = redact(line)
    assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_redact_leaves_ordinary_lines_alone():
    line = "GET /api/users/me 200 phone=+79161234567 took 12 ms"
    assert redact(line) == line
    line = "GET /api/users?q=anna&limit=20&zipcode=123&phones=2 200"
    assert redact(line) == line


def test_the_other_query_values_stay_readable():
    assert redact("/api/users?phone=%2B7916&limit=20") == "/api/users?phone=[redacted]&limit=20"


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


@pytest.fixture
def console():
    """What the configured console handler writes."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactTokensFilter) for f in handler.filters)
    ]
    assert handlers, "the console handler lost its redaction filter"
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


def test_the_access_log_goes_through_the_configured_handler_redacted(console):
    log_access(
        "http",
        "complete",
        {
            "path": f"/api/users?phone=%2B79161234567&code=987650&token={JWT}",
            "status": 200,
            "method": "GET",
            "client": "127.0.0.1:5000",
            "time_taken": 0.0123,
            "size": 512,
        },
    )
    log_access("websocket", "connected", {"path": "/ws/", "client": "127.0.0.1:5001"})
    written = console.getvalue()
    assert "tether.access" in written
    assert '"GET /api/users?phone=[redacted]&code=[redacted]&token=[redacted]" 200 512' in written
    assert '"WSCONNECT /ws/"' in written
    for secret in ("79161234567", "987650", JWT):
        assert secret not in written


# --- A real server process ------------------------------------------------------------------

PHONE = "+79161234567"


def _wait_for(server, needle: str, timeout: float = 10.0) -> str:
    """The server's log once ``needle`` is in it (daphne writes the access line after the
    response has gone out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = server.log_text()
        if needle in text:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} never appeared in the log:\n{server.log_tail()}")


def _open_socket(url: str) -> None:
    with connect(url, open_timeout=10) as socket:
        socket.send('{"type": "ping"}')
        while "pong" not in socket.recv(timeout=10):
            pass


@pytest.mark.servers
def test_the_server_log_has_the_request_and_its_id_but_no_phone_and_no_token():
    with tether_servers(1, env={"TETHER_THROTTLE": "off"}) as (server,):
        registered = http(
            "POST", f"{server.url}/api/auth/register", {"phone": PHONE, "display_name": "Ann"}
        )
        assert registered.status == 201, registered.body
        code = sms_code(server, PHONE)
        verified = http(
            "POST", f"{server.url}/api/auth/verify-code", {"phone": PHONE, "code": code}
        )
        access = verified.data["access"]

        found = http(
            "GET",
            f"{server.url}/api/users?phone=%2B79161234567",
            token=access,
            headers={"X-Request-ID": "lookup-request-1"},
        )
        assert found.status in (200, 404), found.body
        assert found.headers["X-Request-ID"] == "lookup-request-1"
        other = http("GET", f"{server.url}/api/users/me?code={code}", token=access)
        assert re.fullmatch(r"[0-9a-f]{32}", other.headers["X-Request-ID"])
        _open_socket(f"{server.ws_url}?token={access}")

        _wait_for(server, "WSDISCONNECT /ws/")
        log = _wait_for(server, "/api/users/me?code=[redacted]")

    # The requests are there, each access line with its request id...
    (lookup,) = [line for line in log.splitlines() if "GET /api/users?phone=" in line]
    assert "[lookup-request-1]" in lookup and f'?phone=[redacted]" {found.status}' in lookup
    (me,) = [line for line in log.splitlines() if "GET /api/users/me?code=" in line]
    assert f"[{other.headers['X-Request-ID']}]" in me, me
    assert "WSCONNECT /ws/" in log
    # ...and never the phone number, the code or the token.
    for secret in ("79161234567", "%2B7916", access, *access.split(".")):
        assert secret not in log, secret
    assert re.search(rf"\b{code}\b", log) is None
