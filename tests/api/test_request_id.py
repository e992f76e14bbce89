"""``X-Request-ID`` on every response, and on every log line written while serving it."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import path

from core.log_format import JsonFormatter, TextFormatter
from core.log_redaction import RedactTokensFilter
from core.request_id import RequestIdASGIMiddleware, RequestIdFilter, request_id_var
from tether import urls as tether_urls

pytestmark = pytest.mark.django_db

NEW_ID = re.compile(r"[0-9a-f]{32}")
ROOT = Path(__file__).resolve().parents[2]
view_logger = logging.getLogger("tether.test.request_id")


def _logging_view(request):
    from django.http import JsonResponse

    view_logger.warning("inside the view")
    return JsonResponse({"ok": True})


urlpatterns = [path("api/logs-something", _logging_view), *tether_urls.urlpatterns]
handler404 = tether_urls.handler404
handler500 = tether_urls.handler500


@pytest.mark.parametrize(
    "sent",
    ["abc", "7f9c2ba4e88f827d616045507605853e", "req-2026.11_30", "A" * 64, "-._"],
)
def test_a_sane_client_id_comes_back(sent):
    response = Client().get("/api/health", HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent",
    ["A" * 65, "has space", "slash/inside", "semi;colon", "<script>", "ünïcode", "a\tb", ""],
)
def test_an_insane_client_id_is_replaced_by_a_new_one(sent):
    response = Client().get("/api/health", HTTP_X_REQUEST_ID=sent)
    assert NEW_ID.fullmatch(response["X-Request-ID"]), response["X-Request-ID"]
    assert response["X-Request-ID"] != sent


@pytest.mark.parametrize("url", ["/api/health", "/api/no-such-route", "/login/", "/no-such-page/"])
def test_every_response_has_one_and_each_request_its_own(url):
    client = Client()
    first, second = client.get(url)["X-Request-ID"], client.get(url)["X-Request-ID"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


def test_no_id_is_left_behind_once_the_request_is_served():
    Client().get("/api/health", HTTP_X_REQUEST_ID="served-and-gone")
    assert request_id_var.get() is None


# --- Log lines ------------------------------------------------------------------------------


@pytest.fixture
def console():
    """What the configured console handler writes (its real formatter and filters)."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in handler.filters)
    ]
    assert handlers, "the console handler lost its request-id filter"
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


@pytest.mark.urls("tests.api.test_request_id")
def test_a_line_logged_inside_the_view_carries_the_id(caplog, console):
    with caplog.at_level(logging.INFO):
        response = Client().get("/api/logs-something", HTTP_X_REQUEST_ID="trace-me-1")
    assert response.status_code == 200
    records = [r for r in caplog.records if r.getMessage() == "inside the view"]
    assert [r.request_id for r in records] == ["trace-me-1"]
    lines = [line for line in console.getvalue().splitlines() if "inside the view" in line]
    assert len(lines) == 1 and "[trace-me-1]" in lines[0], console.getvalue()


def test_django_s_own_line_about_the_answer_carries_the_id(caplog, console):
    """django.request logs a 4xx after the middleware has returned: still the same id."""
    with caplog.at_level(logging.INFO):
        response = Client().get("/api/users/me")
    assert response.status_code == 401
    request_id = response["X-Request-ID"]
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.request_id == request_id for r in records)
    lines = [line for line in console.getvalue().splitlines() if "Unauthorized" in line]
    assert len(lines) == 1 and f"[{request_id}]" in lines[0], console.getvalue()


def test_outside_a_request_a_line_says_dash(console):
    logging.getLogger("tether.test").warning("between requests")
    (line,) = [line for line in console.getvalue().splitlines() if "between requests" in line]
    assert " [-] between requests" in line


def test_the_asgi_layer_sets_the_id_for_the_whole_call_and_on_the_response():
    seen = {}

    async def app(scope, receive, send):
        seen["inside"] = request_id_var.get()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent = []

    async def send(message):
        seen.setdefault("while_sending", request_id_var.get())
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    wrapped = RequestIdASGIMiddleware(app)
    scope = {"type": "http", "headers": [(b"x-request-id", b"from-the-client")]}
    async_to_sync(wrapped)(scope, receive, send)
    assert seen == {"inside": "from-the-client", "while_sending": "from-the-client"}
    assert (b"x-request-id", b"from-the-client") in sent[0]["headers"]

    sent.clear()
    scope = {"type": "http", "headers": [(b"x-request-id", b"bad id")]}
    async_to_sync(wrapped)(scope, receive, send)
    (header,) = [value for name, value in sent[0]["headers"] if name == b"x-request-id"]
    assert NEW_ID.fullmatch(header.decode())
    assert request_id_var.get() is None


# --- JSON lines -----------------------------------------------------------------------------


def _json_handler() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactTokensFilter())
    return handler, stream


def test_the_json_format_writes_one_parseable_object_per_line_with_the_fields():
    handler, stream = _json_handler()
    logger = logging.getLogger("tether.test.json")
    logger.addHandler(handler)
    token = request_id_var.set("json-line-1")
    try:
        logger.warning("lookup of %s", "/api/users?phone=%2B79161234567", extra={"status": 401})
        try:
            raise ValueError("went wrong")
        except ValueError:
            logger.exception("with a traceback")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "WARNING" and first["logger"] == "tether.test.json"
    assert first["message"] == "lookup of /api/users?phone=[redacted]"
    assert first["request_id"] == "json-line-1" and first["status"] == 401
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert second["level"] == "ERROR" and "ValueError: went wrong" in second["exc_info"]
    assert "79161234567" not in stream.getvalue()


def test_the_json_format_never_dumps_the_request_object():
    handler, stream = _json_handler()
    logger = logging.getLogger("tether.test.json")
    logger.addHandler(handler)

    class Request:
        request_id = "from-the-request"

        def __repr__(self):
            return "<Request GET /api/users?phone=+79161234567>"

    try:
        logger.warning("Not Found: /api/users", extra={"request": Request(), "status_code": 404})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert "request" not in line and "79161234567" not in stream.getvalue()
    assert line["request_id"] == "from-the-request" and line["status_code"] == 404


def test_the_text_format_is_the_plain_line_with_the_id():
    record = logging.LogRecord("tether.x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    record.request_id = "abc"
    line = TextFormatter().format(record)
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert re.fullmatch(stamp + r" INFO tether\.x \[abc\] hello you", line), line


def _django_process(**env) -> subprocess.CompletedProcess:
    """A fresh interpreter with the project's settings and ``env``: one request, its logs."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/api/no-such-route?phone=%2B79161234567',\n"
        "             HTTP_X_REQUEST_ID='json-proc-1', HTTP_HOST='localhost')\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tether.settings", **env}
    environment.pop("DATABASE_URL", None)  # this request touches no database
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_tether_log_format_json_turns_every_line_into_json():
    done = _django_process(TETHER_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    (not_found,) = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /api/no-such-route"
    assert not_found["request_id"] == "json-proc-1" and not_found["level"] == "WARNING"
    assert {"time", "level", "logger", "message", "request_id"} <= set(not_found)
    assert "79161234567" not in done.stderr


def test_the_default_format_is_text_and_anything_else_is_refused():
    done = _django_process(TETHER_LOG_FORMAT="")
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stderr.splitlines() if "Not Found" in line]
    assert line.endswith("WARNING django.request [json-proc-1] Not Found: /api/no-such-route")
    refused = _django_process(TETHER_LOG_FORMAT="xml")
    assert refused.returncode != 0 and "TETHER_LOG_FORMAT" in refused.stderr
