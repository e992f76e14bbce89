"""The envelope, however a request goes wrong; health; the schema (API.md "Envelope")."""

import contextlib
import json
import urllib.request
import uuid
from http.client import HTTPConnection

import pytest

from tests.acceptance.conftest import error, ok, url
from tests.servers import Response, http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def raw(servers, method, path, body: bytes | None, content_type=None, token=None) -> Response:
    """A request with an exact body and content type (``http`` always sends JSON)."""
    request = urllib.request.Request(url(servers, path), data=body, method=method)  # noqa: S310
    if content_type:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return Response(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as failure:
        with failure:
            return Response(failure.code, failure.headers, failure.read())


def assert_json(response: Response) -> None:
    assert response.headers["Content-Type"].startswith("application/json"), response.headers


def test_health_reports_both_services(servers):
    for via in (0, 1):
        answer = http("GET", url(servers, "/api/health", via))
        assert ok(answer) == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_schema_and_docs_are_public(servers):
    for path in ("/api/schema/", "/api/schema"):
        schema = http("GET", url(servers, path))
        assert schema.status == 200
        assert json.loads(schema.body)["openapi"].startswith("3.")
    docs = http("GET", url(servers, "/api/docs/"))
    assert docs.status == 200 and b"<html" in docs.body.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/api/nope",
        "/api/chats/not-a-uuid",
        "/api/users/123/block",
        "/api/messages/xyz",
        "/api/chats/1/messages",
    ],
)
def test_unknown_routes_and_malformed_path_ids_are_a_json_404(person, path):
    alice = person("Alice")
    answer = alice.call("GET", path)
    assert_json(answer)
    error(answer, 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_unsafe_methods_on_malformed_path_ids_are_a_404_too(person, method):
    alice = person("Alice")
    for path in ("/api/auth/sessions/xyz", "/api/messages/1", "/api/users/me/nope"):
        error(alice.call(method, path, {}), 404, "not_found")
    error(http(method, url(alice.servers, "/api/chats/1/read"), {}), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/chats/{id}", "/api/users/{id}", "/api/chats/{id}/messages"])
def test_a_well_formed_id_of_nothing_is_a_404(person, path):
    alice = person("Alice")
    error(alice.call("GET", path.format(id=uuid.uuid4())), 404, "not_found")


def test_paths_work_with_and_without_the_trailing_slash(person):
    alice = person("Alice")
    assert ok(alice.call("GET", "/api/users/me/"))["id"] == alice.id
    assert ok(alice.call("GET", "/api/chats/")) == []


def test_malformed_json_is_a_validation_error(person):
    alice = person("Alice")
    answer = raw(
        alice.servers, "POST", "/api/messages", b'{"chat_id": ', "application/json", alice.access
    )
    assert_json(answer)
    error(answer, 400, "validation_error")


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000], ids=["list", "object"])
def test_json_nested_too_deep_is_a_validation_error(person, body):
    alice = person("Alice")
    answer = raw(alice.servers, "POST", "/api/messages", body, "application/json", alice.access)
    error(answer, 400, "validation_error")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_a_json_body_that_is_no_object_is_a_validation_error(person, body):
    alice = person("Alice")
    answer = raw(alice.servers, "POST", "/api/messages", body, "application/json", alice.access)
    error(answer, 400, "validation_error")


def test_other_media_types_are_415(servers):
    answer = raw(
        servers,
        "POST",
        "/api/auth/register",
        b"phone=%2B79161234567",
        "application/x-www-form-urlencoded",
    )
    assert_json(answer)
    error(answer, 415, "unsupported_media_type")
    error(
        raw(servers, "POST", "/api/auth/login", b"+79161234567", "text/plain"),
        415,
        "unsupported_media_type",
    )


def test_a_body_over_1_mib_is_413(person):
    """Answered from the headers, before the body: a client still sending it may see the
    connection end under it (as a browser does), and then reads the answer."""
    alice = person("Alice")
    body = json.dumps({"chat_id": str(uuid.uuid4()), "content": "x" * (1024 * 1024)}).encode()
    server = alice.servers[0]
    connection = HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/messages")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.putheader("Authorization", f"Bearer {alice.access}")
        connection.endheaders()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for start in range(0, len(body), 65536):
                connection.send(body[start : start + 65536])
        reply = connection.getresponse()
        answer = Response(reply.status, reply.headers, reply.read())
    finally:
        connection.close()
    assert_json(answer)
    error(answer, 413, "too_large")


def test_a_wrong_method_is_405(person):
    alice = person("Alice")
    for method, path in [
        ("PUT", "/api/chats"),
        ("DELETE", "/api/auth/register"),
        ("POST", "/api/users/me"),
        ("GET", "/api/messages"),
    ]:
        answer = alice.call(method, path, {} if method != "GET" else None)
        assert_json(answer)
        error(answer, 405, "method_not_allowed")


@pytest.mark.parametrize(
    "body",
    [
        {"phone": 79161234567, "display_name": "Ann"},
        {"phone": "+79161234567", "display_name": 5},
        {"phone": ["+79161234567"], "display_name": "Ann"},
        {"phone": "+79161234567"},
        {"phone": "+79161234567", "display_name": ""},
        {"phone": "+79161234567", "display_name": "x" * 101},
        {"phone": "+79161234567", "display_name": "A\x00n"},
    ],
)
def test_wrong_types_and_bad_fields_are_400_with_fields(servers, body):
    answer = http("POST", url(servers, "/api/auth/register"), body)
    found = error(answer, 400, "validation_error")
    assert isinstance(found["fields"], dict) and found["fields"]
    for messages in found["fields"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)


def test_times_are_iso_8601_utc_and_ids_uuid_strings(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    message = ok(alice.send(chat_id, "hi"), 201)
    chat = ok(alice.call("GET", f"/api/chats/{chat_id}"))
    for found in (message["id"], message["chat_id"], chat["id"], message["sender_id"]):
        assert str(uuid.UUID(found)) == found  # a string, in the canonical form
    for stamp in (message["created_at"], chat["created_at"], chat["updated_at"]):
        assert stamp.endswith("Z") or stamp.endswith("+00:00")
