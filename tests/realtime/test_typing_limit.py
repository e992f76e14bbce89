"""Typing is relayed at most once a second per person and chat."""

import pytest

from tests.realtime.clients import new_message, types
from tests.realtime.conftest import connect, frames_until, ready, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_second_typing_frame_within_a_second_is_dropped(pair):
    _, alice = await connect(pair["alice_token"])
    _, bob = await connect(pair["bob_token"])
    await ready(alice)
    await ready(bob)
    chat_id = str(pair["chat"].pk)
    for _ in range(3):
        await alice.send_json_to({"type": "typing", "chat_id": chat_id})
    # The follow-up: a message sent after the typing frames, on the same socket.
    await alice.send_json_to(
        {"type": "message.send", "chat_id": chat_id, "content": "done", "client_id": "t-1"}
    )
    seen = types(await frames_until(bob, new_message("done")))
    assert seen.count("typing") == 1, seen
    await receive_type(alice, "message.ack")
    await alice.disconnect()
    await bob.disconnect()
