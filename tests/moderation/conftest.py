import pytest

from chats.services import chat_get_or_create
from tests.factories import UserFactory


@pytest.fixture
def alice(db):
    return UserFactory(display_name="Alice")


@pytest.fixture
def bob(db):
    return UserFactory(display_name="Bob")


@pytest.fixture
def carol(db):
    return UserFactory(display_name="Carol")


@pytest.fixture
def chat(alice, bob):
    return chat_get_or_create(user=alice, peer=bob)[0]


@pytest.fixture
def as_alice(client_for, alice):
    return client_for(alice)


@pytest.fixture
def as_bob(client_for, bob):
    return client_for(bob)


@pytest.fixture
def as_carol(client_for, carol):
    return client_for(carol)


@pytest.fixture
def send():
    """``send(client, chat, content, client_id=None)``: POST /api/messages."""

    def _send(client, chat, content="hello", client_id=None):
        body = {"chat_id": str(chat.pk), "content": content}
        if client_id is not None:
            body["client_id"] = client_id
        return client.post("/api/messages", body, format="json")

    return _send
