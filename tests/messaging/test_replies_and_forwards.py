"""Replies (``reply_to_id``) and forwards (``forward_of_id``) over HTTP: the summaries they
carry, and every rule about the message they point at (API.md "Messages")."""

import pytest

from accounts.services.blocks import user_block
from accounts.services.users import user_update
from chats.services import chat_get_or_create
from messaging.models import Message
from messaging.services import message_delete, message_send
from messaging.services.groups import group_create
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def post(client, chat, **body):
    return client.post("/api/messages", {"chat_id": str(chat.pk), **body}, format="json")


@pytest.fixture
def hello(alice, chat):
    return message_send(sender=alice, chat_id=chat.pk, content="hello " + "x" * 300).message


@pytest.fixture
def carol_chat(alice, carol):
    """Alice's chat with Carol: Bob is not in it."""
    return chat_get_or_create(user=alice, peer=carol)[0]


# --- replies ------------------------------------------------------------------------------


def test_a_reply_carries_a_summary_of_what_it_answers(as_bob, alice, chat, hello):
    reply = envelope_data(post(as_bob, chat, content="hi!", reply_to_id=str(hello.pk)), 201)
    assert reply["reply_to"] == {
        "id": str(hello.pk),
        "seq": 1,
        "sender_id": str(alice.pk),
        "kind": "text",
        "content": hello.content[:200],
        "deleted": False,
        "has_attachments": False,
    }
    assert len(reply["reply_to"]["content"]) == 200
    history = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages"))
    assert history[1]["reply_to"]["id"] == str(hello.pk)


def test_a_reply_to_a_message_deleted_later_shows_it_deleted(as_bob, alice, chat, hello):
    reply = envelope_data(post(as_bob, chat, content="hi!", reply_to_id=str(hello.pk)), 201)
    message_delete(actor=alice, message_id=hello.pk)
    history = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages"))
    quoted = next(m for m in history if m["id"] == reply["id"])["reply_to"]
    assert quoted["deleted"] is True and quoted["content"] == ""
    assert quoted["id"] == str(hello.pk)


def test_a_reply_over_the_socket_frame_door_is_the_same(alice, bob, chat, hello):
    from messaging.inputs import message_send_from_input

    frame = {"type": "message.send", "chat_id": str(chat.pk), "content": "yes",
             "client_id": "r-1", "reply_to_id": str(hello.pk)}  # fmt: skip
    result = message_send_from_input(sender=bob, data=frame)
    assert result.data["reply_to"]["id"] == str(hello.pk)


def test_a_reply_to_another_chats_message_is_400(as_alice, alice, chat, carol_chat):
    elsewhere = message_send(sender=alice, chat_id=carol_chat.pk, content="other").message
    body = envelope_error(
        post(as_alice, chat, content="x", reply_to_id=str(elsewhere.pk)), 400, "validation_error"
    )
    assert "reply_to_id" in body["fields"]
    assert not Message.objects.filter(chat=chat).exists()


def test_a_reply_to_a_message_one_cannot_see_is_404(as_bob, alice, chat, carol_chat):
    hidden = message_send(sender=alice, chat_id=carol_chat.pk, content="secret").message
    envelope_error(post(as_bob, chat, content="x", reply_to_id=str(hidden.pk)), 404, "not_found")


def test_replying_in_a_chat_not_ones_own_is_404_not_400(as_bob, alice, bob, chat, carol_chat):
    mine = message_send(sender=bob, chat_id=chat.pk, content="mine").message
    envelope_error(
        post(as_bob, carol_chat, content="x", reply_to_id=str(mine.pk)), 404, "not_found"
    )


def test_a_reply_to_a_deleted_or_system_message_is_400(as_alice, as_bob, alice, bob, carol):
    group = group_create(owner=alice, title="G", user_ids=[bob.pk, carol.pk])
    system = Message.objects.get(chat=group, seq=1)
    gone = message_send(sender=alice, chat_id=group.pk, content="soon gone").message
    message_delete(actor=alice, message_id=gone.pk)
    for target in (system, gone):
        body = envelope_error(
            post(as_bob, group, content="x", reply_to_id=str(target.pk)), 400, "validation_error"
        )
        assert "reply_to_id" in body["fields"]


@pytest.mark.parametrize("bad", ["nope", 7, ["x"]])
def test_malformed_reply_ids_are_400(as_alice, chat, bad):
    body = envelope_error(
        post(as_alice, chat, content="x", reply_to_id=bad), 400, "validation_error"
    )
    assert "reply_to_id" in body["fields"]


def test_a_repeated_client_id_answers_the_original_whatever_it_points_at(
    as_bob, alice, chat, hello
):
    first = envelope_data(
        post(as_bob, chat, content="a", client_id="k", reply_to_id=str(hello.pk)), 201
    )
    again = post(as_bob, chat, content="b", client_id="k", reply_to_id="not-a-uuid")
    assert envelope_data(again, 200) == first


# --- forwards -----------------------------------------------------------------------------


def test_a_forward_copies_the_content_and_names_the_author(as_alice, bob, chat, carol_chat):
    original = message_send(sender=bob, chat_id=chat.pk, content="pass it on").message
    forward = envelope_data(post(as_alice, carol_chat, forward_of_id=str(original.pk)), 201)
    assert forward["content"] == "pass it on"
    assert forward["chat_id"] == str(carol_chat.pk)
    assert forward["forwarded_from"] == {"sender_id": str(bob.pk), "display_name": bob.display_name}
    assert forward["reply_to"] is None


def test_a_forward_of_a_forward_names_the_first_author_as_first_named(
    as_alice, as_carol, alice, bob, carol, chat, carol_chat
):
    original = message_send(sender=bob, chat_id=chat.pk, content="news").message
    first = envelope_data(
        post(as_alice, carol_chat, forward_of_id=str(original.pk), content=""), 201
    )
    old_name = bob.display_name
    user_update(user=bob, display_name="Bob Renamed")
    carol_bob = chat_get_or_create(user=carol, peer=bob)[0]
    second = envelope_data(post(as_carol, carol_bob, forward_of_id=first["id"]), 201)
    assert second["forwarded_from"] == {"sender_id": str(bob.pk), "display_name": old_name}


def test_a_forward_with_content_of_its_own_is_400(as_alice, alice, chat, carol_chat):
    original = message_send(sender=alice, chat_id=chat.pk, content="x").message
    body = envelope_error(
        post(as_alice, carol_chat, forward_of_id=str(original.pk), content="and more"),
        400,
        "validation_error",
    )
    assert "content" in body["fields"]


def test_forwarding_what_one_cannot_read_is_404(as_bob, alice, chat, carol_chat):
    hidden = message_send(sender=alice, chat_id=carol_chat.pk, content="secret").message
    envelope_error(post(as_bob, chat, forward_of_id=str(hidden.pk)), 404, "not_found")
    assert not Message.objects.filter(chat=chat).exists()


def test_forwarding_a_deleted_or_system_message_is_400(as_alice, alice, bob, carol, chat):
    group = group_create(owner=alice, title="G", user_ids=[bob.pk, carol.pk])
    system = Message.objects.get(chat=group, seq=1)
    gone = message_send(sender=alice, chat_id=chat.pk, content="gone").message
    message_delete(actor=alice, message_id=gone.pk)
    for target in (system, gone):
        body = envelope_error(
            post(as_alice, chat, forward_of_id=str(target.pk)), 400, "validation_error"
        )
        assert "forward_of_id" in body["fields"]


def test_forwarding_into_a_blocked_chat_is_403(as_alice, alice, bob, carol, chat, carol_chat):
    original = message_send(sender=carol, chat_id=carol_chat.pk, content="x").message
    user_block(user=bob, target=alice)
    envelope_error(post(as_alice, chat, forward_of_id=str(original.pk)), 403, "blocked")


def test_a_plain_send_without_content_is_still_400(as_alice, chat):
    body = envelope_error(post(as_alice, chat), 400, "validation_error")
    assert "content" in body["fields"]
