"""One id per request, on its response (``X-Request-ID``) and on every log line it causes.

The id is the client's own when it sent a sane one (at most 64 characters of
``A-Za-z0-9-_.``), else a new one. A context variable holds it while the request is served:
``RequestIdASGIMiddleware`` sets it around the whole ASGI call (so daphne's access-log line,
written while the response goes out, carries it too), ``RequestIdMiddleware`` does the same
inside Django (the test client has no ASGI layer), and ``RequestIdFilter`` puts it on every
log record.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode("latin-1")
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
# What a log line says when it was written outside any request.
NO_REQUEST = "-"

request_id_var: ContextVar[str | None] = ContextVar("tether_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return request_id_var.get()


def request_id_for(client_value: str | bytes | None) -> str:
    """The client's id if it is sane, else a new one (uuid4, hex)."""
    if isinstance(client_value, bytes):
        client_value = client_value.decode("latin-1")
    if client_value and _SANE.fullmatch(client_value):
        return client_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Django middleware (first in MIDDLEWARE): the id on the request, its response and its
    log lines. Under daphne the ASGI layer has chosen the id already; this keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = current_request_id() or request_id_for(request.headers.get(HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdASGIMiddleware:
    """ASGI wrapper for HTTP and WebSocket connections: sets the id for the whole call and
    adds ``X-Request-ID`` to an HTTP response that lacks it (answers Django gives before its
    middleware runs). A socket's id covers the log lines of its whole life."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.application(scope, receive, send)
        sent = dict(scope.get("headers") or ()).get(_HEADER_KEY)
        request_id = request_id_for(sent)
        header = (_HEADER_KEY, request_id.encode("latin-1"))

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                if not any(name.lower() == _HEADER_KEY for name, _ in headers):
                    message = {**message, "headers": [*headers, header]}
            await send(message)

        token = request_id_var.set(request_id)
        try:
            return await self.application(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the current request's, or ``-`` outside one.

    Django logs a 4xx/5xx answer (``django.request``) after the middleware has returned, with
    the request attached to the record: its id is taken from there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None):
            return True
        request_id = current_request_id()
        if request_id is None:
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id or NO_REQUEST
        return True
