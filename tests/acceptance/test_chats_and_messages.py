"""Chats, messages, history and read state (API.md "Objects" and "Endpoints")."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.acceptance.conftest import error, ok

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]

CHAT_FIELDS = {
    "id", "kind", "title", "members", "member_count", "role", "peer", "last_message",
    "unread_count", "last_read_seq", "peer_last_read_seq", "pinned_message", "draft", "muted",
    "created_at", "updated_at",
}  # fmt: skip
MESSAGE_FIELDS = {
    "id", "chat_id", "seq", "kind", "sender_id", "content", "client_id", "created_at",
    "edited_at", "deleted", "is_read", "reply_to", "forwarded_from", "reactions", "attachments",
    "system",
}  # fmt: skip


def test_opening_a_chat_is_201_then_200_the_same_chat_from_either_side(person):
    alice, bob = person("Alice"), person("Bob")
    created = alice.call("POST", "/api/chats", {"user_id": bob.id})
    chat = ok(created, 201)
    assert set(chat) == CHAT_FIELDS and chat["kind"] == "direct"
    assert chat["peer"]["id"] == bob.id and "phone" not in chat["peer"]
    assert sorted(m["id"] for m in chat["members"]) == sorted([alice.id, bob.id])
    assert chat["last_message"] is None and chat["unread_count"] == 0
    assert chat["last_read_seq"] == 0 and chat["peer_last_read_seq"] == 0
    again = ok(bob.call("POST", "/api/chats", {"user_id": alice.id}, via=1))
    assert again["id"] == chat["id"] and again["peer"]["id"] == alice.id
    username = ok(bob.call("GET", "/api/users/me"))["username"]
    by_name = alice.call("POST", "/api/chats", {"username": username.upper()})
    assert ok(by_name)["id"] == chat["id"]


def test_both_sides_opening_at_once_get_one_chat(person):
    alice, bob = person("Alice"), person("Bob")
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda n: (alice, bob)[n % 2].call(
                    "POST", "/api/chats", {"user_id": (bob, alice)[n % 2].id}, via=n
                ),
                range(4),
            )
        )
    assert sorted(a.status for a in answers) == [200, 200, 200, 201]
    assert len({a.data["id"] for a in answers}) == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"user_id": "not-a-uuid"}, {"user_id": 5}, {"username": 5}, {"user_id": None}],
)
def test_bad_chat_bodies_are_400(person, body):
    error(person("Alice").call("POST", "/api/chats", body), 400, "validation_error")


def test_a_chat_with_oneself_is_400_and_with_nobody_404(person):
    alice = person("Alice")
    error(alice.call("POST", "/api/chats", {"user_id": alice.id}), 400, "validation_error")
    username = ok(alice.call("GET", "/api/users/me"))["username"]
    error(alice.call("POST", "/api/chats", {"username": username}), 400, "validation_error")
    error(alice.call("POST", "/api/chats", {"user_id": str(uuid.uuid4())}), 404, "not_found")
    error(alice.call("POST", "/api/chats", {"username": "nobody_here_x"}), 404, "not_found")


def test_a_chat_of_others_is_404_everywhere(person):
    alice, bob, eve = person("Alice"), person("Bob"), person("Eve")
    chat_id = alice.open_chat(bob)
    message = ok(alice.send(chat_id, "secret"), 201)
    error(eve.call("GET", f"/api/chats/{chat_id}"), 404, "not_found")
    error(eve.call("GET", f"/api/chats/{chat_id}/messages"), 404, "not_found")
    error(eve.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 1}), 404, "not_found")
    error(eve.send(chat_id, "hi"), 404, "not_found")
    error(eve.call("PATCH", f"/api/messages/{message['id']}", {"content": "x"}), 404, "not_found")
    error(eve.call("DELETE", f"/api/messages/{message['id']}"), 404, "not_found")
    error(
        eve.call("POST", f"/api/messages/{message['id']}/report", {"reason": "spam"}),
        404,
        "not_found",
    )
    assert ok(eve.call("GET", "/api/chats")) == []


def test_a_message_has_every_field_and_content_exactly_as_sent(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    content = "  hello\n\tworld  😀 <b>&amp;</b>  "
    message = ok(alice.send(chat_id, content, via=1), 201)
    assert set(message) == MESSAGE_FIELDS
    assert message["content"] == content and message["seq"] == 1
    assert message["chat_id"] == chat_id and message["sender_id"] == alice.id
    assert message["client_id"] is None and message["edited_at"] is None
    assert message["deleted"] is False and message["is_read"] is False
    history = ok(bob.call("GET", f"/api/chats/{chat_id}/messages"))
    assert history == [message]


@pytest.mark.parametrize(
    "content",
    ["", "   ", "\n\t ", "x" * 4097, "a\x00b", 5, None, ["hi"], "😀" * 4097],
)
def test_bad_content_is_a_validation_error(person, content):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    body = error(alice.send(chat_id, content), 400, "validation_error")
    assert "content" in body["fields"]


def test_content_of_4096_code_points_is_accepted(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    assert ok(alice.send(chat_id, "😀" * 4096), 201)["content"] == "😀" * 4096


@pytest.mark.parametrize(
    "extra", [{"client_id": ""}, {"client_id": "c" * 65}, {"client_id": 7}, {"chat_id": "x"}]
)
def test_bad_client_ids_and_chat_ids_are_400(person, extra):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    body = {"chat_id": chat_id, "content": "hi", **extra}
    error(alice.call("POST", "/api/messages", body), 400, "validation_error")


def test_a_repeated_client_id_answers_200_and_the_original_from_any_process(person):
    alice, bob, carol = person("Alice"), person("Bob"), person("Carol")
    chat_id, other_chat = alice.open_chat(bob), alice.open_chat(carol)
    client_id = "c" * 64
    first = ok(alice.send(chat_id, "once", client_id=client_id), 201)
    assert first["client_id"] == client_id
    again = alice.send(other_chat, "different", via=1, client_id=client_id)
    assert ok(again, 200) == first
    # Before any rule but authentication: bad content, a foreign chat, a malformed chat id.
    for body in (
        {"chat_id": chat_id, "content": ""},
        {"chat_id": str(uuid.uuid4()), "content": "x"},
        {"chat_id": "nope", "content": "x"},
    ):
        assert ok(alice.call("POST", "/api/messages", {**body, "client_id": client_id})) == first
    # Another sender's client_id is theirs alone.
    assert ok(bob.send(chat_id, "mine", client_id=client_id), 201)["seq"] == 2
    assert [m["seq"] for m in ok(alice.call("GET", f"/api/chats/{chat_id}/messages"))] == [1, 2]


def test_one_client_id_sent_at_once_through_both_processes_stores_one_message(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda n: alice.send(chat_id, "x", via=n, client_id="once"), range(6))
        )
    assert sorted(a.status for a in answers) == [200] * 5 + [201]
    assert len({a.data["id"] for a in answers}) == 1
    assert len(ok(bob.call("GET", f"/api/chats/{chat_id}/messages"))) == 1


def test_seqs_rise_by_one_whoever_sends_through_whichever_process(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)

    def send(n):
        return (alice, bob)[n % 2].send(chat_id, f"m{n}", via=n // 2).status

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(send, range(40))) == [201] * 40
    history = ok(alice.call("GET", f"/api/chats/{chat_id}/messages?limit=100"))
    assert [m["seq"] for m in history] == list(range(1, 41))


def test_history_pages_in_both_directions_with_has_more(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    for n in range(1, 8):
        ok(alice.send(chat_id, f"m{n}"), 201)
    path = f"/api/chats/{chat_id}/messages"

    def page(query):
        answer = bob.call("GET", f"{path}?{query}")
        body = answer.json()
        assert answer.status == 200 and body["success"] is True, body
        return [m["seq"] for m in body["data"]], body["meta"]["has_more"]

    assert page("limit=3") == ([5, 6, 7], True)
    assert page("limit=7") == ([1, 2, 3, 4, 5, 6, 7], False)
    assert page("before_seq=5&limit=3") == ([2, 3, 4], True)
    assert page("before_seq=4&limit=3") == ([1, 2, 3], False)
    assert page("after_seq=2&limit=3") == ([3, 4, 5], True)
    assert page("after_seq=4&limit=3") == ([5, 6, 7], False)
    assert page("after_seq=7") == ([], False)
    assert page("after_seq=0&limit=100") == ([1, 2, 3, 4, 5, 6, 7], False)
    assert page("before_seq=0") == ([], False)
    for bad in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "before_seq=-1",
        "after_seq=x",
        "before_seq=3&after_seq=1",
        "after_seq=1.5",
    ]:
        error(bob.call("GET", f"{path}?{bad}"), 400, "validation_error")


def test_reading_moves_forward_only_never_past_the_last_message(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    for n in range(3):
        ok(alice.send(chat_id, f"m{n}"), 201)
    read = f"/api/chats/{chat_id}/read"
    assert ok(bob.call("GET", f"/api/chats/{chat_id}"))["unread_count"] == 3
    assert ok(bob.call("POST", read, {"up_to_seq": 2})) == {"last_read_seq": 2}
    assert ok(bob.call("POST", read, {"up_to_seq": 1}, via=1)) == {"last_read_seq": 2}
    assert ok(bob.call("POST", read, {"up_to_seq": 99})) == {"last_read_seq": 3}
    for bad in (
        {"up_to_seq": -1},
        {"up_to_seq": "3"},
        {"up_to_seq": 1.5},
        {},
        {"up_to_seq": True},
        {"up_to_seq": None},
    ):
        error(bob.call("POST", read, bad), 400, "validation_error")
    bob_view = ok(bob.call("GET", f"/api/chats/{chat_id}"))
    assert bob_view["last_read_seq"] == 3 and bob_view["unread_count"] == 0
    alice_view = ok(alice.call("GET", f"/api/chats/{chat_id}"))
    assert alice_view["peer_last_read_seq"] == 3 and alice_view["last_read_seq"] == 0
    assert alice_view["unread_count"] == 0  # one's own messages are never unread
    assert alice_view["last_message"]["seq"] == 3 and alice_view["last_message"]["is_read"]
    history = ok(alice.call("GET", f"/api/chats/{chat_id}/messages"))
    assert all(m["is_read"] for m in history)


def test_is_read_and_unread_count_follow_the_reader(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    for n in range(4):
        ok(alice.send(chat_id, f"m{n}"), 201)
    ok(bob.send(chat_id, "reply"), 201)
    ok(bob.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 2}))
    history = ok(alice.call("GET", f"/api/chats/{chat_id}/messages"))
    assert [m["is_read"] for m in history] == [True, True, False, False, False]
    assert ok(bob.call("GET", f"/api/chats/{chat_id}"))["unread_count"] == 2
    assert ok(alice.call("GET", f"/api/chats/{chat_id}"))["unread_count"] == 1


def test_the_chat_list_puts_the_most_recently_active_first(person):
    alice, bob, carol, dave = person("Alice"), person("Bob"), person("Carol"), person("Dave")
    with_bob, with_carol = alice.open_chat(bob), alice.open_chat(carol)
    ok(bob.send(with_bob, "first"), 201)
    ok(carol.send(with_carol, "second"), 201)  # sent once the first was stored: later
    with_dave = alice.open_chat(dave)  # newest chat, but no message yet
    chats = ok(alice.call("GET", "/api/chats", via=1))
    assert [c["id"] for c in chats] == [with_dave, with_carol, with_bob]
    ok(bob.send(with_bob, "third"), 201)
    chats = ok(alice.call("GET", "/api/chats"))
    assert [c["id"] for c in chats] == [with_bob, with_dave, with_carol]
    top = chats[0]
    assert top["last_message"]["content"] == "third" and top["unread_count"] == 2
    assert top["updated_at"] == top["last_message"]["created_at"]


def test_edit_and_delete_are_the_senders_and_a_deleted_message_keeps_its_seq(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    first = ok(alice.send(chat_id, "first"), 201)
    ok(alice.send(chat_id, "second"), 201)
    path = f"/api/messages/{first['id']}"
    edited = ok(alice.call("PUT", path, {"content": " edited "}, via=1))
    assert edited["content"] == " edited " and edited["edited_at"] and edited["seq"] == 1
    assert ok(alice.call("PATCH", path, {"content": "again"}))["content"] == "again"
    error(bob.call("PATCH", path, {"content": "mine now"}), 403, "permission_denied")
    error(bob.call("DELETE", path), 403, "permission_denied")
    error(alice.call("PATCH", path, {"content": ""}), 400, "validation_error")
    deleted = ok(alice.call("DELETE", path))
    assert deleted["deleted"] is True and deleted["content"] == "" and deleted["seq"] == 1
    assert ok(alice.call("DELETE", path, via=1)) == deleted
    error(alice.call("PATCH", path, {"content": "back"}), 404, "not_found")
    error(alice.call("PUT", path, {"content": "back"}), 404, "not_found")
    history = ok(bob.call("GET", f"/api/chats/{chat_id}/messages"))
    assert [(m["seq"], m["deleted"], m["content"]) for m in history] == [
        (1, True, ""),
        (2, False, "second"),
    ]
    error(alice.call("DELETE", f"/api/messages/{uuid.uuid4()}"), 404, "not_found")
