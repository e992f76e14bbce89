"""The /ws/ protocol with Channels' WebsocketCommunicator, through the real ASGI stack."""

import json

import pytest
from channels.db import database_sync_to_async

from messaging.services import (
    chat_pin,
    message_delete,
    message_edit,
    message_react,
    message_send,
)
from tests.realtime.clients import new_message, types
from tests.realtime.conftest import connect, frames_until, ready, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


async def test_no_token_is_accepted_then_closed_with_4001():
    connected, ws = await connect()
    assert connected
    assert (await ws.receive_output(timeout=5))["code"] == 4001


async def test_a_bad_token_is_closed_with_4001():
    connected, ws = await connect("not.a.jwt")
    assert connected
    assert (await ws.receive_output(timeout=5))["code"] == 4001


async def test_a_foreign_origin_is_refused_at_the_handshake(pair):
    connected, _ = await connect(
        pair["alice_token"], headers=[(b"origin", b"https://evil.example")]
    )
    assert not connected


async def test_an_allowed_origin_with_a_token_is_accepted(pair):
    headers = [(b"host", b"localhost"), (b"origin", b"http://localhost")]
    connected, ws = await connect(pair["alice_token"], headers=headers)
    assert connected
    await ready(ws)
    await ws.disconnect()


async def test_ping_gets_pong(pair):
    connected, ws = await connect(pair["alice_token"])
    assert connected
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from(timeout=5) == {"type": "pong"}
    await ws.disconnect()


async def test_message_send_is_acked_and_fanned_out_to_both_members(pair):
    _, alice = await connect(pair["alice_token"])
    _, bob = await connect(pair["bob_token"])
    await ready(alice)
    await ready(bob)
    chat_id = str(pair["chat"].pk)
    await alice.send_json_to(
        {"type": "message.send", "chat_id": chat_id, "content": "hi bob", "client_id": "ws-1"}
    )
    ack = await receive_type(alice, "message.ack")
    assert ack["client_id"] == "ws-1" and ack["message"]["content"] == "hi bob"
    assert ack["message"]["seq"] == 1
    for ws in (alice, bob):
        new = await receive_type(ws, "message.new")
        assert new["message"] == ack["message"]
    # The same client_id again: the original, acked again, nothing new fanned out.
    await alice.send_json_to(
        {"type": "message.send", "chat_id": chat_id, "content": "again", "client_id": "ws-1"}
    )
    again = await receive_type(alice, "message.ack")
    assert again["message"] == ack["message"]
    # Even with input that would be refused: the repeated client_id is checked first.
    await alice.send_json_to({"type": "message.send", "content": "", "client_id": "ws-1"})
    again = await receive_type(alice, "message.ack")
    assert again == {"type": "message.ack", "client_id": "ws-1", "message": ack["message"]}
    # Neither retry fanned anything out: a message sent after them is the next one anyone gets.
    await alice.send_json_to(
        {"type": "message.send", "chat_id": chat_id, "content": "next", "client_id": "ws-2"}
    )
    for ws in (alice, bob):
        assert "message.new" not in types(await frames_until(ws, new_message("next")))
    await alice.disconnect()
    await bob.disconnect()


async def test_rest_writes_reach_sockets(pair):
    _, bob = await connect(pair["bob_token"])
    await ready(bob)
    alice, chat = pair["alice"], pair["chat"]
    sent = await database_sync_to_async(message_send)(sender=alice, chat_id=chat.pk, content="v1")
    assert (await receive_type(bob, "message.new"))["message"]["content"] == "v1"
    await database_sync_to_async(message_edit)(user=alice, message_id=sent.message.pk, content="v2")
    assert (await receive_type(bob, "message.updated"))["message"]["content"] == "v2"
    await database_sync_to_async(message_delete)(actor=alice, message_id=sent.message.pk)
    deleted = await receive_type(bob, "message.deleted")
    assert deleted["message"]["deleted"] is True and deleted["message"]["content"] == ""
    await bob.disconnect()


async def test_replies_reactions_and_pins_reach_sockets(pair):
    _, alice = await connect(pair["alice_token"])
    _, bob = await connect(pair["bob_token"])
    await ready(alice)
    await ready(bob)
    chat_id = str(pair["chat"].pk)
    original = await database_sync_to_async(message_send)(
        sender=pair["bob"], chat_id=chat_id, content="question"
    )
    await receive_type(alice, "message.new")
    await receive_type(bob, "message.new")  # his own, as every member hears it
    frame = {"type": "message.send", "chat_id": chat_id, "content": "answer",
             "client_id": "re-1", "reply_to_id": str(original.message.pk)}  # fmt: skip
    await alice.send_json_to(frame)
    ack = await receive_type(alice, "message.ack")
    assert ack["message"]["reply_to"]["id"] == str(original.message.pk)
    new = await receive_type(bob, "message.new")
    assert new["message"]["reply_to"]["content"] == "question"
    # A bad reference is an error frame naming the send; the socket stays open.
    await alice.send_json_to({**frame, "client_id": "re-2", "reply_to_id": "nope"})
    error = await receive_type(alice, "error")
    assert error["code"] == "validation_error" and error["client_id"] == "re-2"
    await database_sync_to_async(message_react)(
        user=pair["alice"], message_id=original.message.pk, emoji="👍"
    )
    updated = await receive_type(bob, "message.updated")
    assert updated["message"]["reactions"][0]["user_ids"] == [str(pair["alice"].pk)]
    await database_sync_to_async(chat_pin)(
        user=pair["bob"], chat_id=chat_id, message_id=original.message.pk
    )
    assert await receive_type(alice, "chat.updated") == {"type": "chat.updated", "chat_id": chat_id}
    await alice.disconnect()
    await bob.disconnect()


async def test_typing_reaches_the_peer_but_not_the_typist(pair):
    _, alice = await connect(pair["alice_token"])
    _, bob = await connect(pair["bob_token"])
    await ready(alice)
    await ready(bob)
    await alice.send_json_to({"type": "typing", "chat_id": str(pair["chat"].pk)})
    typing = await receive_type(bob, "typing")
    assert typing == {
        "type": "typing",
        "chat_id": str(pair["chat"].pk),
        "user_id": str(pair["alice"].pk),
    }
    # Alice's socket handles her frames in order: a message she sends after typing reaches
    # her own sockets behind any typing event that had gone out to her.
    await alice.send_json_to(
        {"type": "message.send", "chat_id": str(pair["chat"].pk), "content": "done typing"}
    )
    assert "typing" not in types(await frames_until(alice, new_message("done typing")))
    await alice.disconnect()
    await bob.disconnect()


async def test_read_frames_send_chat_read_to_both(pair):
    alice, chat = pair["alice"], pair["chat"]
    await database_sync_to_async(message_send)(sender=alice, chat_id=chat.pk, content="x")
    _, alice_ws = await connect(pair["alice_token"])
    _, bob_ws = await connect(pair["bob_token"])
    await ready(alice_ws)
    await ready(bob_ws)
    await bob_ws.send_json_to({"type": "read", "chat_id": str(chat.pk), "up_to_seq": 1})
    for ws in (alice_ws, bob_ws):
        read = await receive_type(ws, "chat.read")
        assert read == {
            "type": "chat.read",
            "chat_id": str(chat.pk),
            "user_id": str(pair["bob"].pk),
            "last_read_seq": 1,
        }
    await alice_ws.disconnect()
    await bob_ws.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "validation_error"),
        pytest.param("[" * 100_000, "validation_error", id="nested-too-deep"),
        ("[1, 2]", "validation_error"),
        ('{"type": "dance"}', "validation_error"),
        ('{"type": "message.send", "content": "no chat", "client_id": "c9"}', "validation_error"),
        ('{"type": "message.send", "chat_id": "x", "content": "hi"}', "validation_error"),
        ('{"type": "typing"}', "validation_error"),
        ('{"type": "read", "chat_id": "00000000-0000-0000-0000-000000000000", "up_to_seq": 1}',
         "not_found"),
        ('{"type": "typing", "chat_id": "00000000-0000-0000-0000-000000000000"}', "not_found"),
    ],
)  # fmt: skip
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(pair, raw, code):
    _, ws = await connect(pair["alice_token"])
    await ready(ws)
    await ws.send_to(text_data=raw)
    error = await receive_type(ws, "error")
    assert error["code"] == code and error["error"]
    if '"client_id": "c9"' in raw:
        assert error["client_id"] == "c9"
    else:
        assert "client_id" not in error
    await ready(ws)  # still open and answering
    await ws.disconnect()


async def test_an_error_frame_echoes_a_client_id_of_any_type(pair):
    _, ws = await connect(pair["alice_token"])
    await ready(ws)
    frame = {"type": "message.send", "chat_id": str(pair["chat"].pk), "content": "x"}
    await ws.send_json_to({**frame, "client_id": 42})
    error = await receive_type(ws, "error")
    assert error["code"] == "validation_error" and error["client_id"] == 42
    await ws.disconnect()


async def test_sending_to_someone_elses_chat_is_an_error_frame(pair, new_user):
    carol = await new_user()
    from tests.helpers import sign_in

    token = (await database_sync_to_async(sign_in)(carol)).access
    _, ws = await connect(token)
    await ready(ws)
    frame = {
        "type": "message.send",
        "chat_id": str(pair["chat"].pk),
        "content": "x",
        "client_id": "z",
    }
    await ws.send_to(text_data=json.dumps(frame))
    error = await receive_type(ws, "error")
    assert set(error) == {"type", "code", "error", "client_id"}
    assert error["code"] == "not_found" and error["client_id"] == "z"
    assert isinstance(error["error"], str) and error["error"]
    await ws.disconnect()


async def test_presence_goes_online_and_offline_with_last_seen(pair):
    _, alice = await connect(pair["alice_token"])
    await ready(alice)
    _, bob = await connect(pair["bob_token"])
    await ready(bob)
    online = await receive_type(alice, "presence")
    assert online["user_id"] == str(pair["bob"].pk) and online["online"] is True
    await bob.disconnect()
    offline = await receive_type(alice, "presence")
    assert offline["user_id"] == str(pair["bob"].pk) and offline["online"] is False
    assert offline["last_seen"]
    await alice.disconnect()
