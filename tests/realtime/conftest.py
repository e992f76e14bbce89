import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from chats.services import chat_get_or_create
from tests.factories import UserFactory
from tests.helpers import sign_in
from tether.asgi import application


async def connect(token: str | None = None, headers=None, query: str | None = None):
    """Open ``/ws/`` like a client; returns (connected, communicator)."""
    path = "/ws/"
    if query is not None:
        path += f"?{query}"
    elif token is not None:
        path += f"?token={token}"
    communicator = WebsocketCommunicator(application, path, headers=headers or [])
    connected, _ = await communicator.connect(timeout=5)
    return connected, communicator


async def ready(communicator) -> None:
    """A pong means the socket has joined its groups (the contract's promise)."""
    await communicator.send_json_to({"type": "ping"})
    assert await receive_type(communicator, "pong")


async def receive_type(communicator, frame_type: str, timeout: float = 5):
    """The next frame of ``frame_type``, skipping others (presence and the like)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"no {frame_type} frame in {timeout} s"
        frame = await communicator.receive_json_from(timeout=remaining)
        if frame.get("type") == frame_type:
            return frame


async def nothing_of_type(communicator, frame_type: str, wait: float = 0.5) -> bool:
    """True if no frame of ``frame_type`` arrives within ``wait`` seconds.

    Uses ``receive_nothing``: a timed-out ``receive_output`` would cancel the application.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while (remaining := deadline - loop.time()) > 0:
        if await communicator.receive_nothing(timeout=remaining):
            return True
        if (await communicator.receive_json_from()).get("type") == frame_type:
            return False
    return True


@pytest.fixture
def pair(transactional_db):
    """Two users who share a chat, with their tokens."""
    alice, bob = UserFactory(display_name="Alice"), UserFactory(display_name="Bob")
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    return {
        "alice": alice,
        "bob": bob,
        "chat": chat,
        "alice_token": sign_in(alice).access,
        "bob_token": sign_in(bob).access,
    }


@pytest.fixture
def new_user(transactional_db):
    async def make(**kwargs):
        return await database_sync_to_async(UserFactory)(**kwargs)

    return make
