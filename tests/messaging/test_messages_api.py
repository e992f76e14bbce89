"""Sending, editing and deleting messages over HTTP."""

import json

import pytest

from messaging.models import Message
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db

# The contract's message object (API.md "Objects").
MESSAGE_FIELDS = {
    "id", "chat_id", "seq", "kind", "sender_id", "content", "client_id", "created_at",
    "edited_at", "deleted", "is_read", "reply_to", "forwarded_from", "reactions", "attachments",
    "system",
}  # fmt: skip


def test_send_returns_201_and_the_message(as_alice, alice, chat, send):
    message = envelope_data(send(as_alice, chat, "hello", client_id="c-1"), 201)
    assert set(message) == MESSAGE_FIELDS
    assert message["seq"] == 1 and message["chat_id"] == str(chat.pk)
    assert message["sender_id"] == str(alice.pk) and message["client_id"] == "c-1"
    assert message["deleted"] is False and message["is_read"] is False
    assert message["edited_at"] is None and message["created_at"].endswith("Z")
    assert message["kind"] == "text" and message["system"] is None
    assert message["reply_to"] is None and message["forwarded_from"] is None
    assert message["reactions"] == [] and message["attachments"] == []


def test_seqs_rise_by_one_whoever_sends(as_alice, as_bob, chat, send):
    seqs = [envelope_data(send(c, chat), 201)["seq"] for c in [as_alice, as_bob, as_alice]]
    assert seqs == [1, 2, 3]


@pytest.mark.parametrize(
    "content",
    ["😀 emoji", "שלום עולם", "e\u0301\u0301 combining", "  padded  ", "\nline\n", "x" * 4096],
)
def test_content_is_stored_exactly_as_sent(as_alice, chat, send, content):
    message = envelope_data(send(as_alice, chat, content), 201)
    assert message["content"] == content
    assert Message.objects.get(pk=message["id"]).content == content


@pytest.mark.parametrize(
    "content", ["", "   ", "\n\t", "x" * 4097, "nul\x00byte", 5, None, ["a"], "\ud800"]
)
def test_invalid_content_is_400_and_stores_nothing(as_alice, chat, content):
    # Encoded here (ASCII-escaped) as a client would, so a lone surrogate reaches the server.
    raw = json.dumps({"chat_id": str(chat.pk), "content": content})
    response = as_alice.post("/api/messages", raw, content_type="application/json")
    body = envelope_error(response, 400, "validation_error")
    assert "content" in body["fields"]
    assert Message.objects.count() == 0


def test_4096_code_points_of_emoji_are_allowed(as_alice, chat, send):
    envelope_data(send(as_alice, chat, "😀" * 4096), 201)


@pytest.mark.parametrize(
    "body",
    [{"content": "x"}, {"chat_id": "nope", "content": "x"}, {"chat_id": 7, "content": "x"},
     {"chat_id": None, "content": "x"}],
)  # fmt: skip
def test_malformed_chat_ids_in_a_body_are_400(as_alice, body):
    body = envelope_error(
        as_alice.post("/api/messages", body, format="json"), 400, "validation_error"
    )
    assert "chat_id" in body["fields"]


@pytest.mark.parametrize("client_id", ["", "x" * 65, 12])
def test_bad_client_ids_are_400(as_alice, chat, send, client_id):
    envelope_error(send(as_alice, chat, "hi", client_id=client_id), 400, "validation_error")


def test_sending_to_a_chat_one_is_not_in_is_404(as_carol, chat, send):
    envelope_error(send(as_carol, chat), 404, "not_found")
    body = {"chat_id": "00000000-0000-0000-0000-000000000000", "content": "x"}
    envelope_error(as_carol.post("/api/messages", body, format="json"), 404, "not_found")


def test_a_repeated_client_id_returns_the_original_and_stores_nothing(as_alice, chat, send):
    first = envelope_data(send(as_alice, chat, "once", client_id="same"), 201)
    again = envelope_data(send(as_alice, chat, "different text", client_id="same"), 200)
    assert again == first
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "retry",
    [{"content": ""}, {"content": 5}, {"chat_id": "not-a-uuid"}, {"chat_id": None}],
)
def test_a_repeated_client_id_wins_over_invalid_input(as_alice, chat, send, retry):
    """The contract checks a repeated client_id before any rule but authentication."""
    first = envelope_data(send(as_alice, chat, "once", client_id="same"), 201)
    body = {"chat_id": str(chat.pk), "content": "x", "client_id": "same", **retry}
    assert envelope_data(as_alice.post("/api/messages", body, format="json"), 200) == first
    assert Message.objects.count() == 1


def test_a_client_id_is_per_sender(as_alice, as_bob, chat, send):
    envelope_data(send(as_alice, chat, "a", client_id="shared"), 201)
    envelope_data(send(as_bob, chat, "b", client_id="shared"), 201)
    assert Message.objects.count() == 2


def test_the_sender_edits_and_the_edit_is_marked(as_alice, chat, send):
    sent = envelope_data(send(as_alice, chat, "typo"), 201)
    for method in (as_alice.put, as_alice.patch):
        edited = envelope_data(
            method(f"/api/messages/{sent['id']}", {"content": "fixed"}, format="json")
        )
        assert edited["content"] == "fixed" and edited["edited_at"] is not None
        assert edited["seq"] == sent["seq"]


def test_only_the_sender_edits_or_deletes(as_alice, as_bob, as_carol, chat, send):
    sent = envelope_data(send(as_alice, chat, "mine"), 201)
    url = f"/api/messages/{sent['id']}"
    envelope_error(as_bob.patch(url, {"content": "x"}, format="json"), 403, "permission_denied")
    envelope_error(as_bob.delete(url), 403, "permission_denied")
    envelope_error(as_carol.patch(url, {"content": "x"}, format="json"), 404, "not_found")
    envelope_error(as_carol.delete(url), 404, "not_found")
    envelope_error(as_bob.delete("/api/messages/not-a-uuid"), 404, "not_found")


def test_delete_is_soft_idempotent_and_final(as_alice, as_bob, chat, send):
    sent = envelope_data(send(as_alice, chat, "secret"), 201)
    url = f"/api/messages/{sent['id']}"
    deleted = envelope_data(as_alice.delete(url))
    assert deleted["deleted"] is True and deleted["content"] == "" and deleted["seq"] == 1
    assert envelope_data(as_alice.delete(url)) == deleted
    envelope_error(as_alice.patch(url, {"content": "back"}, format="json"), 404, "not_found")
    history = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages"))
    assert [(m["seq"], m["deleted"], m["content"]) for m in history] == [(1, True, "")]


def test_is_read_follows_the_peers_read_seq(as_alice, as_bob, chat, send):
    envelope_data(send(as_alice, chat, "one"), 201)
    envelope_data(send(as_alice, chat, "two"), 201)
    as_bob.post(f"/api/chats/{chat.pk}/read", {"up_to_seq": 1}, format="json")
    history = envelope_data(as_alice.get(f"/api/chats/{chat.pk}/messages"))
    assert [m["is_read"] for m in history] == [True, False]


def test_other_media_types_are_415(as_alice, chat):
    response = as_alice.post("/api/messages", "content=x", content_type="text/plain")
    envelope_error(response, 415, "unsupported_media_type")
