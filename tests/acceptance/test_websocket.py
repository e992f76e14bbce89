"""The WebSocket protocol across two processes (API.md "WebSocket /ws/")."""

import json
import queue
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.acceptance.conftest import SERVER_ENV, error, ok, url
from tests.realtime.clients import Listener
from tests.servers import http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def quiet(listener: Listener, frame_type: str, wait: float = 0.7) -> bool:
    """True if no ``frame_type`` frame arrives within ``wait`` seconds (others are skipped)."""
    deadline = time.monotonic() + wait
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            frame = listener.frames.get(timeout=remaining)
        except queue.Empty:
            return True
        if frame is not None and frame.get("type") == frame_type:
            return False
    return True


def closed_with(listener: Listener, timeout: float = 5) -> int | None:
    listener.thread.join(timeout)
    return listener.close_code


def open_raw(server, query: str = "", origin: str | None = None):
    headers = {"Origin": origin} if origin else None
    return connect(f"{server.ws_url}{query}", open_timeout=10, additional_headers=headers)


def expired_access_token(person) -> str:
    """The person's access token, re-signed as if it had expired a minute ago."""
    claims = jwt.decode(person.access, options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(minutes=1)
    claims.update(exp=int(past.timestamp()), iat=int((past - timedelta(minutes=15)).timestamp()))
    return jwt.encode(claims, SERVER_ENV["SECRET_KEY"], algorithm="HS256")


@pytest.mark.parametrize("query", ["", "?token=", "?token=garbage", "?token=a.b.c"])
def test_no_or_a_bad_token_is_accepted_then_closed_with_4001(servers, query):
    with open_raw(servers[0], query) as socket:
        with pytest.raises(Exception):  # noqa: B017 (closed by the server)
            socket.recv(timeout=5)
        assert socket.close_code == 4001


def test_an_expired_or_refresh_token_is_closed_with_4001(person):
    alice = person("Alice")
    expired = expired_access_token(alice)
    error(http("GET", url(alice.servers, "/api/users/me"), token=expired), 401, "invalid_token")
    for token in (expired, alice.refresh):
        listener = Listener(alice.server(1), token)
        assert closed_with(listener) == 4001


def test_a_foreign_origin_is_refused_at_the_handshake_an_allowed_one_is_not(person):
    alice = person("Alice")
    server = alice.server()
    with pytest.raises(InvalidStatus) as refused:
        open_raw(server, f"?token={alice.access}", origin="http://evil.example.com")
    assert refused.value.response.status_code == 403
    for origin in (f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}"):
        with open_raw(server, f"?token={alice.access}", origin=origin) as socket:
            socket.send(json.dumps({"type": "ping"}))
            assert json.loads(socket.recv(timeout=5)) == {"type": "pong"}


def test_a_socket_outlives_its_tokens_expiry(person):
    alice = person("Alice")
    claims = jwt.decode(alice.access, options={"verify_signature": False})
    claims["exp"] = int(time.time()) + 2
    short_lived = jwt.encode(claims, SERVER_ENV["SECRET_KEY"], algorithm="HS256")
    listener = Listener(alice.server(1), short_lived)
    listener.ready()
    time.sleep(3)
    error(http("GET", url(alice.servers, "/api/users/me"), token=short_lived), 401, "invalid_token")
    listener.ready()
    listener.close()


def test_message_send_is_acked_and_reaches_every_connection_of_both_members(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    sender, senders_other, receiver = alice.listen(0), alice.listen(1), bob.listen(1)
    sender.send({"type": "message.send", "chat_id": chat_id, "content": " hi ", "client_id": "k1"})
    ack = sender.wait_for("message.ack")
    assert set(ack) == {"type", "client_id", "message"} and ack["client_id"] == "k1"
    message = ack["message"]
    assert message["content"] == " hi " and message["seq"] == 1 and message["client_id"] == "k1"
    for listener in (sender, senders_other, receiver):
        assert listener.wait_for("message.new") == {"type": "message.new", "message": message}
    assert ok(bob.call("GET", f"/api/chats/{chat_id}/messages")) == [message]
    # The same client_id again: the original, and nothing new for anyone.
    sender.send({"type": "message.send", "chat_id": chat_id, "content": "x", "client_id": "k1"})
    assert sender.wait_for("message.ack")["message"] == message
    assert quiet(receiver, "message.new")
    # Idempotent with the API too, both ways.
    assert ok(alice.send(chat_id, "y", client_id="k1"), 200) == message
    for listener in (sender, senders_other, receiver):
        listener.close()


def test_api_sends_reach_sockets_on_both_processes_even_for_a_chat_opened_later(person):
    alice, bob = person("Alice"), person("Bob")
    listeners = [alice.listen(0), bob.listen(0), bob.listen(1)]
    chat_id = alice.open_chat(bob)  # after the sockets joined
    sent = ok(alice.send(chat_id, "late chat", via=1), 201)
    for listener in listeners:
        assert listener.wait_for("message.new")["message"] == sent
        listener.close()


def test_bad_frames_get_error_frames_and_the_socket_stays_open(person):
    alice, bob, eve = person("Alice"), person("Bob"), person("Eve")
    chat_id = alice.open_chat(bob)
    socket = alice.listen(1)

    for text in ("not json", "[" * 100_000):
        socket.socket.send(text)
        assert socket.wait_for("error")["code"] == "validation_error"
    for frame in ([1, 2], "text", {"no": "type"}, {"type": "nonsense", "client_id": "c0"}):
        socket.send(frame)
        found = socket.wait_for("error")
        assert set(found) >= {"type", "code", "error"} and found["code"] == "validation_error"
        if isinstance(frame, dict) and "client_id" in frame:
            assert found["client_id"] == "c0"
    socket.send({"type": "message.send", "chat_id": chat_id, "content": "", "client_id": "c1"})
    found = socket.wait_for("error")
    assert found["code"] == "validation_error" and found["client_id"] == "c1"
    socket.send({"type": "message.send", "chat_id": chat_id, "content": "x", "client_id": 5})
    found = socket.wait_for("error")
    assert found["code"] == "validation_error" and found["client_id"] == 5
    socket.send({"type": "message.send", "chat_id": "bad", "content": "x", "client_id": "c2"})
    assert socket.wait_for("error")["client_id"] == "c2"
    eves = eve.open_chat(bob)
    socket.send({"type": "message.send", "chat_id": eves, "content": "x", "client_id": "c3"})
    found = socket.wait_for("error")
    assert found["code"] == "not_found" and found["client_id"] == "c3"
    socket.send({"type": "message.send", "chat_id": str(uuid.uuid4()), "content": "x"})
    found = socket.wait_for("error")
    assert found["code"] == "not_found" and "client_id" not in found
    socket.send({"type": "read", "chat_id": chat_id, "up_to_seq": "1"})
    assert socket.wait_for("error")["code"] == "validation_error"
    socket.send({"type": "read", "chat_id": eves, "up_to_seq": 1})
    assert socket.wait_for("error")["code"] == "not_found"
    socket.send({"type": "typing", "chat_id": eves})
    assert socket.wait_for("error")["code"] == "not_found"
    socket.send({"type": "typing"})
    assert socket.wait_for("error")["code"] == "validation_error"
    socket.ready()  # still open and answering
    socket.close()


def test_typing_reaches_the_other_member_only(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    typist, typists_other, peer = alice.listen(0), alice.listen(1), bob.listen(1)
    typist.send({"type": "typing", "chat_id": chat_id})
    assert peer.wait_for("typing") == {"type": "typing", "chat_id": chat_id, "user_id": alice.id}
    assert quiet(typist, "typing", 0.3) and quiet(typists_other, "typing", 0.3)
    for listener in (typist, typists_other, peer):
        listener.close()


def test_reads_over_the_socket_and_the_api_send_chat_read_only_when_they_move(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    for n in range(3):
        ok(alice.send(chat_id, f"m{n}"), 201)
    writer, reader = alice.listen(0), bob.listen(1)
    reader.send({"type": "read", "chat_id": chat_id, "up_to_seq": 2})
    expected = {"type": "chat.read", "chat_id": chat_id, "user_id": bob.id, "last_read_seq": 2}
    assert writer.wait_for("chat.read") == expected
    assert reader.wait_for("chat.read") == expected
    reader.send({"type": "read", "chat_id": chat_id, "up_to_seq": 1})
    assert quiet(writer, "chat.read")
    ok(bob.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 50}))
    assert writer.wait_for("chat.read")["last_read_seq"] == 3
    ok(bob.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 3}))
    assert quiet(writer, "chat.read")
    writer.close()
    reader.close()


def test_edits_and_deletes_reach_both_members(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    message = ok(alice.send(chat_id, "draft"), 201)
    mine, theirs = alice.listen(1), bob.listen(0)
    edited = ok(alice.call("PATCH", f"/api/messages/{message['id']}", {"content": "final"}))
    for listener in (mine, theirs):
        assert listener.wait_for("message.updated") == {
            "type": "message.updated",
            "message": edited,
        }
    deleted = ok(alice.call("DELETE", f"/api/messages/{message['id']}", via=1))
    for listener in (mine, theirs):
        assert listener.wait_for("message.deleted") == {
            "type": "message.deleted",
            "message": deleted,
        }
    ok(alice.call("DELETE", f"/api/messages/{message['id']}"))
    assert quiet(theirs, "message.deleted")
    mine.close()
    theirs.close()


def test_presence_online_on_the_first_connection_offline_soon_after_the_last(person):
    alice, bob, stranger = person("Alice"), person("Bob"), person("Stranger")
    alice.open_chat(bob)
    watcher, outsider = alice.listen(0), stranger.listen(0)
    first = bob.listen(1)
    online = watcher.wait_for("presence")
    assert online["user_id"] == bob.id and online["online"] is True
    assert set(online) == {"type", "user_id", "online", "last_seen"}
    assert ok(alice.call("GET", f"/api/users/{bob.id}"))["online"] is True
    second = bob.listen(0)
    assert quiet(watcher, "presence", 0.5)
    first.close()
    assert quiet(watcher, "presence", 0.5)
    closed_at = time.monotonic()
    second.close()
    offline = watcher.wait_for("presence", timeout=5)
    assert time.monotonic() - closed_at < 5
    assert offline["user_id"] == bob.id and offline["online"] is False and offline["last_seen"]
    seen = ok(alice.call("GET", f"/api/users/{bob.id}", via=1))
    assert seen["online"] is False and seen["last_seen"]
    assert quiet(outsider, "presence", 0.1)
    watcher.close()
    outsider.close()


def test_blocks_stop_socket_sends_typing_and_presence(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    watcher = alice.listen(0)
    bobs = bob.listen(1)
    assert watcher.wait_for("presence")["online"] is True
    ok(alice.call("POST", f"/api/users/{bob.id}/block"))
    bobs.send({"type": "message.send", "chat_id": chat_id, "content": "hi", "client_id": "b1"})
    found = bobs.wait_for("error")
    assert found["code"] == "blocked" and found["client_id"] == "b1"
    watcher.send({"type": "message.send", "chat_id": chat_id, "content": "hi", "client_id": "a1"})
    assert watcher.wait_for("error")["code"] == "blocked"
    bobs.send({"type": "typing", "chat_id": chat_id})
    watcher.send({"type": "typing", "chat_id": chat_id})
    assert quiet(watcher, "typing") and quiet(bobs, "typing", 0.1)
    assert ok(alice.call("GET", f"/api/users/{bob.id}"))["online"] is False
    assert ok(bob.call("GET", f"/api/chats/{chat_id}", via=1))["peer"]["online"] is False
    other = bob.listen(0)
    other.close()
    bobs.close()
    assert quiet(watcher, "presence", 1.5)
    watcher.close()


def test_logout_and_a_revoked_session_close_their_sockets_with_4001(servers, person):
    alice, bob = person("Alice"), person("Bob")
    alices, bobs = alice.listen(0), bob.listen(1)
    ok(http("POST", url(servers, "/api/auth/logout", 1), {"refresh": alice.refresh}))
    assert closed_with(alices) == 4001
    session = ok(bob.call("GET", "/api/auth/sessions"))[0]["id"]
    ok(bob.call("DELETE", f"/api/auth/sessions/{session}"))
    assert closed_with(bobs) == 4001
