"""Under ASGI the middleware runs synchronously in one thread, not hop by hop."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIHandler
from django.utils.deprecation import MiddlewareMixin

from tests.helpers import sign_in


@pytest.mark.django_db
def test_every_middleware_of_the_asgi_chain_runs_in_sync_mode(monkeypatch):
    # In async mode a MiddlewareMixin runs process_request and process_response through a
    # sync_to_async hop each; SyncChainMiddleware, last in MIDDLEWARE, keeps them in sync mode.
    made = []
    original = MiddlewareMixin.__init__

    def recording(self, get_response):
        original(self, get_response)
        made.append(self)

    monkeypatch.setattr(MiddlewareMixin, "__init__", recording)
    ASGIHandler()
    assert len(made) >= 7
    assert [type(m).__name__ for m in made if m.async_mode] == []


# The request is served in a thread of its own (its own database connection): committed rows.
@pytest.mark.django_db(transaction=True)
def test_a_request_through_the_asgi_handler_is_answered_in_the_envelope(alice):
    access = sign_in(alice).access
    sent = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # no disconnect: the response ends the call

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/users/me",
        "raw_path": b"/api/users/me",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {access}".encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    async_to_sync(ASGIHandler())(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert start["status"] == 200
    assert json.loads(body)["data"]["id"] == str(alice.pk)
