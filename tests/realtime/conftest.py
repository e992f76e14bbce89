import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from chats.services import chat_get_or_create
from tests.factories import UserFactory
from tests.helpers import sign_in
from tests.realtime.clients import Predicate, frame_is, types
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


async def until(communicator, predicate: Predicate, timeout: float = 5):
    """The frames received before the first that matches ``predicate``, and that frame;
    AssertionError if it does not come within ``timeout``."""
    before = []
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"no {predicate.__name__} frame in {timeout} s; got {types(before)}"
        frame = await communicator.receive_json_from(timeout=remaining)
        if predicate(frame):
            return before, frame
        before.append(frame)


async def frames_until(communicator, predicate: Predicate, timeout: float = 5) -> list:
    """Every frame before the follow-up that ``predicate`` recognises.

    How a test shows that something did NOT reach a socket: after the action, it makes the
    server send a frame that must come after anything the action could have sent, then looks
    at the frames before that one (see ``tests.realtime.clients``).
    """
    return (await until(communicator, predicate, timeout))[0]


async def receive_type(communicator, frame_type: str, timeout: float = 5, **fields):
    """The next frame of ``frame_type`` (with these ``fields``), skipping others."""
    return (await until(communicator, frame_is(frame_type, **fields), timeout))[1]


async def ping(communicator) -> list:
    """Ping and wait for the pong; returns the frames before it. The consumer handles a
    socket's frames in order: the pong also means every earlier frame has been handled."""
    await communicator.send_json_to({"type": "ping"})
    return await frames_until(communicator, frame_is("pong"))


async def ready(communicator) -> None:
    """A pong means the socket has joined its groups (the contract's promise)."""
    await ping(communicator)


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
