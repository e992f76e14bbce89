"""A socket checks its sign-in before acting on a frame: were the close for a revoked
session lost, the next frame is refused with 4001 all the same."""

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from accounts.models import AuthSession
from messaging.models import Message
from tests.realtime.conftest import connect, ready

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def _revoke_quietly(user):
    """End the user's sessions without telling any socket (a lost close message)."""
    AuthSession.objects.filter(user=user).update(revoked_at=timezone.now())


@pytest.mark.parametrize("frame_type", ["message.send", "ping"])
async def test_a_frame_after_a_silent_revocation_closes_the_socket(pair, frame_type):
    _, alice = await connect(pair["alice_token"])
    await ready(alice)
    await _revoke_quietly(pair["alice"])
    frame = {"type": frame_type, "chat_id": str(pair["chat"].pk), "content": "late"}
    await alice.send_json_to(frame)
    closed = await alice.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4001}
    assert not await database_sync_to_async(Message.objects.exists)()
