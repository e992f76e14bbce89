"""POST /api/messages on the event loop (``messaging.api.send_fast``) answers as the DRF view
does; every send it does not store is answered by the DRF view. PostgreSQL only."""

import json

import pytest
from django.test import AsyncClient

from accounts.services.blocks import user_block
from chats.services import chat_get_or_create
from core import async_db
from messaging.models import Message
from tests.factories import UserFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(postgres):
    pass


@pytest.fixture
def people():
    alice, bob = UserFactory(display_name="Alice"), UserFactory(display_name="Bob")
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    return alice, bob, chat, sign_in(alice).access


async def post(token, body, **headers):
    client = AsyncClient()
    try:
        return await client.post(
            "/api/messages",
            data=json.dumps(body) if not isinstance(body, str) else body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", **headers},
        )
    finally:
        await async_db.close_pool()


def answer(response) -> tuple:
    """What a client sees, less what differs per message."""
    body = response.json()
    data = body.get("data") or {}
    shape = {k: v for k, v in data.items() if k not in {"id", "created_at", "seq", "content"}}
    headers = {k.lower() for k in response.headers if k.lower() not in {"x-request-id"}}
    return response.status_code, body.get("success"), shape, headers, response["Content-Type"]


@pytest.fixture
def stored_fast(monkeypatch):
    """What the one-round-trip send stored (None: it stored nothing)."""
    from messaging.api import send_fast

    results = []
    real = send_fast.amessage_send_plain

    async def spy(**kwargs):
        results.append(await real(**kwargs))
        return results[-1]

    monkeypatch.setattr(send_fast, "amessage_send_plain", spy)
    return results


async def test_a_plain_send_is_answered_as_the_drf_view_answers_it(people, settings, stored_fast):
    _alice, _bob, chat, token = people
    fast = await post(token, {"chat_id": str(chat.id), "content": "fast"})
    assert len(stored_fast) == 1 and stored_fast[0].data == fast.json()["data"]
    settings.TETHER_ASYNC_DB = False
    slow = await post(token, {"chat_id": str(chat.id), "content": "slow"})
    assert fast.status_code == 201
    assert answer(fast) == answer(slow)
    assert [fast.json()["data"]["seq"], slow.json()["data"]["seq"]] == [1, 2]
    assert fast["Vary"] == slow["Vary"] and fast["Allow"] == slow["Allow"]


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("bad_json", 400, "validation_error"),
        ("blank", 400, "validation_error"),
        ("not_member", 404, "not_found"),
        ("blocked", 403, "blocked"),
        ("revoked", 401, "invalid_token"),
        ("bad_token", 401, "invalid_token"),
        ("repeat", 200, None),
    ],
)
async def test_what_the_fast_path_does_not_store_the_drf_view_answers(
    people, case, status, code, stored_fast
):
    alice, bob, chat, token = people
    body = {"chat_id": str(chat.id), "content": "hello", "client_id": "c-1"}
    if case == "bad_json":
        body = '{"chat_id": '
    elif case == "blank":
        body["content"] = "   "
    elif case == "not_member":
        carol, dave = await sync(UserFactory)(), await sync(UserFactory)()
        other = (await chat_get_or_create_async(carol, dave)).id
        body["chat_id"] = str(other)
    elif case == "blocked":
        await sync(user_block)(user=bob, target=alice)
    elif case == "revoked":
        from accounts.models import AuthSession

        await AuthSession.objects.filter(user=alice).aupdate(revoked_at="2026-01-01T00:00Z")
    elif case == "bad_token":
        token = token[:-3] + "abc"
    elif case == "repeat":
        first = await post(token, body)
        assert first.status_code == 201
    stored_fast.clear()
    response = await post(token, body)
    assert stored_fast in ([], [None]), "the fast path stored nothing"
    assert response.status_code == status, response.json()
    if code is not None:
        assert response.json()["code"] == code
    else:
        assert response.json()["data"]["id"] == first.json()["data"]["id"]
    expected = 1 if case == "repeat" else 0
    assert await Message.objects.acount() == expected


def sync(function):
    from asgiref.sync import sync_to_async

    return sync_to_async(function)


async def chat_get_or_create_async(user, peer):
    return (await sync(chat_get_or_create)(user=user, peer=peer))[0]
