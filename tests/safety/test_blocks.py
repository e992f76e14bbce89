"""Blocking: either side's block stops chats and sends; history stays readable."""

import pytest
from channels.db import database_sync_to_async
from django.test import TestCase

from accounts.services.blocks import user_block
from chats.services import chat_get_or_create
from core.errors import Blocked
from messaging.services import message_send
from messaging.services import typing as typing_relay
from tests.factories import UserFactory
from tests.helpers import envelope_data, envelope_error
from tests.realtime.clients import new_message, types
from tests.realtime.conftest import connect, frames_until, ping, ready, receive_type


@pytest.mark.django_db
class TestBlockingOverHttp:
    def test_block_unblock_and_list(self, as_alice, alice, bob):
        url = f"/api/users/{bob.pk}/block"
        assert envelope_data(as_alice.post(url)) == {"blocked": True}
        assert envelope_data(as_alice.post(url)) == {"blocked": True}  # again is fine
        listed = envelope_data(as_alice.get("/api/users/blocked"))
        assert [u["id"] for u in listed] == [str(bob.pk)]
        assert envelope_data(as_alice.delete(url)) == {"blocked": False}
        assert envelope_data(as_alice.get("/api/users/blocked")) == []

    def test_blocking_oneself_or_nobody(self, as_alice, alice):
        envelope_error(as_alice.post(f"/api/users/{alice.pk}/block"), 400, "validation_error")
        missing = "/api/users/00000000-0000-0000-0000-000000000000/block"
        envelope_error(as_alice.post(missing), 404, "not_found")
        envelope_error(as_alice.post("/api/users/nope/block"), 404, "not_found")

    @pytest.mark.parametrize("blocker", ["alice", "bob"])
    def test_either_direction_stops_chats_and_sends(
        self, request, blocker, as_alice, alice, bob, chat, send
    ):
        envelope_data(send(as_alice, chat, "before"), 201)
        who = {"alice": alice, "bob": bob}
        user_block(user=who[blocker], target=bob if blocker == "alice" else alice)
        envelope_error(send(as_alice, chat, "after"), 403, "blocked")
        body = {"user_id": str(bob.pk)}
        envelope_error(as_alice.post("/api/chats", body, format="json"), 403, "blocked")
        history = envelope_data(as_alice.get(f"/api/chats/{chat.pk}/messages"))
        assert [m["content"] for m in history] == ["before"]

    def test_a_retry_of_a_stored_message_still_answers_the_original(
        self, as_alice, alice, bob, chat, send
    ):
        first = envelope_data(send(as_alice, chat, "hi", client_id="k1"), 201)
        user_block(user=bob, target=alice)
        assert envelope_data(send(as_alice, chat, "hi", client_id="k1"), 200) == first

    @pytest.mark.parametrize("blocker", ["alice", "bob"])
    def test_either_side_of_a_block_sees_the_other_offline(
        self, monkeypatch, blocker, as_alice, alice, bob, chat
    ):
        from accounts import presence

        store = presence.presence_store()
        monkeypatch.setattr(store, "online_ids", lambda ids: set(ids))  # everyone online
        assert envelope_data(as_alice.get(f"/api/users/{bob.pk}"))["online"] is True
        who = {"alice": alice, "bob": bob}
        user_block(user=who[blocker], target=bob if blocker == "alice" else alice)
        assert envelope_data(as_alice.get(f"/api/users/{bob.pk}"))["online"] is False
        peer = envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))["peer"]
        assert peer["id"] == str(bob.pk) and peer["online"] is False
        assert envelope_data(as_alice.get("/api/chats"))[0]["peer"]["online"] is False
        found = envelope_data(as_alice.get(f"/api/users?q={bob.username}"))
        assert [u["online"] for u in found] == [False]

    def test_unblocking_allows_sending_again(self, as_alice, as_bob, alice, bob, chat, send):
        as_bob.post(f"/api/users/{alice.pk}/block")
        envelope_error(send(as_alice, chat), 403, "blocked")
        as_bob.delete(f"/api/users/{alice.pk}/block")
        envelope_data(send(as_alice, chat), 201)


def _block(user, target):
    with TestCase.captureOnCommitCallbacks(execute=True):
        user_block(user=user, target=target)


async def _says(sender, chat, content: str) -> None:
    await database_sync_to_async(message_send)(sender=sender, chat_id=chat.pk, content=content)


@pytest.mark.django_db(transaction=True)
async def test_blocked_sockets_get_an_error_frame_and_no_typing_or_presence(pair, monkeypatch):
    # Typing is relayed at most once a second per person and chat. Lift that limit here, so
    # that only the block can keep Alice's second typing below from Bob.
    monkeypatch.setattr(typing_relay, "MIN_INTERVAL", 0)
    alice, bob, chat = pair["alice"], pair["bob"], pair["chat"]
    # Carol writes to each of them after each check: the follow-up that shows what did not come.
    carol = await database_sync_to_async(UserFactory)(display_name="Carol")
    with_alice = (await database_sync_to_async(chat_get_or_create)(user=carol, peer=alice))[0]
    with_bob = (await database_sync_to_async(chat_get_or_create)(user=carol, peer=bob))[0]
    _, alice_ws = await connect(pair["alice_token"])
    await ready(alice_ws)
    _, bob_ws = await connect(pair["bob_token"])
    await ready(bob_ws)
    # Before the block: Bob's presence and Alice's typing get through.
    await receive_type(alice_ws, "presence", user_id=str(bob.pk), online=True)
    await alice_ws.send_json_to({"type": "typing", "chat_id": str(chat.pk)})
    await receive_type(bob_ws, "typing")

    await database_sync_to_async(_block)(bob, alice)
    frame = {"type": "message.send", "chat_id": str(chat.pk), "content": "x", "client_id": "b1"}
    await alice_ws.send_json_to(frame)
    error = await receive_type(alice_ws, "error")
    assert error["code"] == "blocked" and error["client_id"] == "b1"
    await alice_ws.send_json_to({"type": "typing", "chat_id": str(chat.pk)})
    await ping(alice_ws)  # Alice's typing frame has been handled: anything it sent is out
    await _says(carol, with_bob, "to bob")
    assert "typing" not in types(await frames_until(bob_ws, new_message("to bob")))

    await bob_ws.disconnect()  # returns once the consumer is done, announcements and all
    await _says(carol, with_alice, "to alice")
    assert "presence" not in types(await frames_until(alice_ws, new_message("to alice")))
    await alice_ws.disconnect()
    with pytest.raises(Blocked):
        await database_sync_to_async(message_send)(sender=bob, chat_id=chat.pk, content="no")
