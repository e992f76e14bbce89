"""The WebSocket protocol across two processes (API.md "WebSocket /ws/")."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.acceptance.conftest import SERVER_ENV, error, ok, url
from tests.realtime.clients import Listener, frame_is, new_message, types
from tests.servers import http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


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


def test_only_the_sites_own_origin_passes_the_handshake(person):
    alice = person("Alice")
    server = alice.server()
    for origin in (
        "http://evil.example.com",
        f"http://localhost:{server.port}",  # another host than the one connected to
        f"http://127.0.0.1:{server.port + 1}",  # another port
        f"https://127.0.0.1:{server.port}",  # another scheme
    ):
        with pytest.raises(InvalidStatus) as refused:
            open_raw(server, f"?token={alice.access}", origin=origin)
        assert refused.value.response.status_code == 403, origin
    with open_raw(server, f"?token={alice.access}", origin=f"http://127.0.0.1:{server.port}") as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "pong"}


def test_a_socket_outlives_its_tokens_expiry(person):
    alice = person("Alice")
    claims = jwt.decode(alice.access, options={"verify_signature": False})
    claims["exp"] = int(time.time()) + 2  # whole seconds: it expires in one to two
    short_lived = jwt.encode(claims, SERVER_ENV["SECRET_KEY"], algorithm="HS256")
    listener = Listener(alice.server(1), short_lived)
    listener.ready()
    # Waiting out the expiry is the point; the API says when it has passed.
    me = url(alice.servers, "/api/users/me")
    deadline = time.monotonic() + 5
    while (answer := http("GET", me, token=short_lived)).status == 200:
        assert time.monotonic() < deadline, "the token did not expire"
        time.sleep(0.1)
    error(answer, 401, "invalid_token")
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
    # The same client_id again, over the socket and the API: the original, and nothing new
    # for anyone. A message sent after both retries is the next one every connection gets.
    sender.send({"type": "message.send", "chat_id": chat_id, "content": "x", "client_id": "k1"})
    assert sender.wait_for("message.ack")["message"] == message
    assert ok(alice.send(chat_id, "y", client_id="k1"), 200) == message
    sender.send({"type": "message.send", "chat_id": chat_id, "content": "next", "client_id": "k2"})
    for listener in (sender, senders_other, receiver):
        assert "message.new" not in types(listener.frames_until(new_message("next")))
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
    # The socket's frames are handled in order: a message sent after typing reaches Alice's
    # connections behind any typing event that went out to her.
    typist.send({"type": "message.send", "chat_id": chat_id, "content": "sent"})
    for listener in (typist, typists_other):
        assert "typing" not in types(listener.frames_until(new_message("sent")))
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
    # Backwards moves nothing. The reader's next frame (typing) is handled after it, so its
    # event reaches the writer behind any chat.read the read had sent.
    reader.send({"type": "read", "chat_id": chat_id, "up_to_seq": 1})
    reader.send({"type": "typing", "chat_id": chat_id})
    assert "chat.read" not in types(writer.frames_until(frame_is("typing", user_id=bob.id)))
    ok(bob.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 50}))
    assert writer.wait_for("chat.read")["last_read_seq"] == 3
    # Already there: nothing. A message Bob sends once the API has answered comes after it.
    ok(bob.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 3}))
    ok(bob.send(chat_id, "read it"), 201)
    assert "chat.read" not in types(writer.frames_until(new_message("read it")))
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
    # Deleting again answers the same, and tells nobody: the next message comes first.
    ok(alice.call("DELETE", f"/api/messages/{message['id']}"))
    ok(alice.send(chat_id, "next"), 201)
    assert "message.deleted" not in types(theirs.frames_until(new_message("next")))
    mine.close()
    theirs.close()


def test_presence_online_on_the_first_connection_offline_soon_after_the_last(person):
    alice, bob, stranger = person("Alice"), person("Bob"), person("Stranger")
    chat_id = alice.open_chat(bob)
    strangers_chat = stranger.open_chat(person("Other"))
    watcher, outsider = alice.listen(0), stranger.listen(0)
    first = bob.listen(1)
    online = watcher.wait_for("presence")
    assert online["user_id"] == bob.id and online["online"] is True
    assert set(online) == {"type", "user_id", "online", "last_seen"}
    assert ok(alice.call("GET", f"/api/users/{bob.id}"))["online"] is True
    # A second connection is no news. It has joined (answered a ping) before Bob sends this
    # over it, so the message reaches Alice behind anything its opening announced.
    second = bob.listen(0)
    second.send({"type": "message.send", "chat_id": chat_id, "content": "two tabs"})
    assert "presence" not in types(watcher.frames_until(new_message("two tabs")))
    # Closing one of two is no news either; closing the last is, soon, and once.
    first.close()
    second.close()
    offline = watcher.wait_for("presence", timeout=5)
    assert offline["user_id"] == bob.id and offline["online"] is False and offline["last_seen"]
    seen = ok(alice.call("GET", f"/api/users/{bob.id}", via=1))
    assert seen["online"] is False and seen["last_seen"]
    # A closed socket carries no follow-up. This message goes out after the last close was
    # handled (Alice heard it), and the first close had reached its server before the second
    # was even sent: any other presence they announced reaches Alice before it.
    ok(alice.send(chat_id, "bye"), 201)
    assert "presence" not in types(watcher.frames_until(new_message("bye")))
    # Someone who shares no chat with Bob heard nothing of it all.
    outsider.send({"type": "message.send", "chat_id": strangers_chat, "content": "anyone?"})
    assert "presence" not in types(outsider.frames_until(new_message("anyone?")))
    watcher.close()
    outsider.close()


def test_blocks_stop_socket_sends_typing_and_presence(person):
    alice, bob, carol = person("Alice"), person("Bob"), person("Carol")
    chat_id = alice.open_chat(bob)
    # Carol shares a chat with each of them: her messages are the follow-ups that show what
    # did not come, and she still hears Bob's presence when Alice must not.
    to_alice, to_bob = carol.open_chat(alice), carol.open_chat(bob)
    watcher, carols = alice.listen(0), carol.listen(1)
    bobs = bob.listen(1)
    watcher.wait_for("presence", user_id=bob.id, online=True)
    carols.wait_for("presence", user_id=bob.id, online=True)
    ok(alice.call("POST", f"/api/users/{bob.id}/block"))
    bobs.send({"type": "message.send", "chat_id": chat_id, "content": "hi", "client_id": "b1"})
    found = bobs.wait_for("error")
    assert found["code"] == "blocked" and found["client_id"] == "b1"
    watcher.send({"type": "message.send", "chat_id": chat_id, "content": "hi", "client_id": "a1"})
    assert watcher.wait_for("error")["code"] == "blocked"
    bobs.send({"type": "typing", "chat_id": chat_id})
    watcher.send({"type": "typing", "chat_id": chat_id})
    # Each typing frame has been handled once its socket answers a ping; Carol's messages,
    # sent after both pongs, reach each of them behind any typing that went out.
    alice_saw, bob_saw = watcher.ping(), bobs.ping()
    ok(carol.send(to_alice, "to alice"), 201)
    ok(carol.send(to_bob, "to bob"), 201)
    alice_saw += watcher.frames_until(new_message("to alice"))
    bob_saw += bobs.frames_until(new_message("to bob"))
    assert "typing" not in types(alice_saw) and "typing" not in types(bob_saw)
    assert ok(alice.call("GET", f"/api/users/{bob.id}"))["online"] is False
    assert ok(bob.call("GET", f"/api/chats/{chat_id}", via=1))["peer"]["online"] is False
    other = bob.listen(0)
    other.close()
    bobs.close()
    # Carol hears Bob go offline: the announcement went out to all its recipients at once,
    # so a copy for Alice would reach her before Carol's next message.
    carols.wait_for("presence", user_id=bob.id, online=False)
    ok(carol.send(to_alice, "he left"), 201)
    assert "presence" not in types(watcher.frames_until(new_message("he left")))
    watcher.close()
    carols.close()


def test_logout_and_a_revoked_session_close_their_sockets_with_4001(servers, person):
    alice, bob = person("Alice"), person("Bob")
    alices, bobs = alice.listen(0), bob.listen(1)
    ok(http("POST", url(servers, "/api/auth/logout", 1), {"refresh": alice.refresh}))
    assert closed_with(alices) == 4001
    session = ok(bob.call("GET", "/api/auth/sessions"))[0]["id"]
    ok(bob.call("DELETE", f"/api/auth/sessions/{session}"))
    assert closed_with(bobs) == 4001
