"""The data export (API.md "Search and settings"): every chat one is in with all of its
messages, as one JSON file streamed in pieces, at most one an hour."""

import json

import pytest
from asgiref.sync import async_to_sync

from chats.services import chat_get_or_create
from messaging.services import message_send
from messaging.services.groups import group_create
from tests.helpers import envelope_error

pytestmark = pytest.mark.django_db


def download(client):
    response = client.get("/api/users/me/export")
    assert response.status_code == 200, response
    assert response.streaming
    assert response.is_async  # pieces come to the event loop one batch at a time

    async def collect():
        return [bytes(piece) async for piece in response.streaming_content]

    pieces = async_to_sync(collect)()
    return response, pieces, json.loads(b"".join(pieces))


def test_the_export_holds_every_chat_and_message(alice, bob, carol, as_alice, settings):
    settings.TETHER_THROTTLE = False  # the history is written in one burst
    direct = chat_get_or_create(user=alice, peer=bob)[0]
    for n in range(1203):  # over two pages of 500
        message_send(sender=alice if n % 2 else bob, chat_id=direct.pk, content=f"m{n} «ёж»")
    group = group_create(owner=carol, title="Club", user_ids=[alice.pk])
    chat_get_or_create(user=bob, peer=carol)  # not hers: never in it
    settings.TETHER_THROTTLE = True
    response, pieces, document = download(as_alice)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="tether-export-')
    assert len(pieces) > 1  # streamed, not built whole
    assert set(document) == {"exported_at", "user", "chats"}
    assert document["user"]["id"] == str(alice.pk) and document["user"]["phone"] == alice.phone
    by_id = {c["chat"]["id"]: c for c in document["chats"]}
    assert set(by_id) == {str(direct.pk), str(group.pk)}
    seqs = [m["seq"] for m in by_id[str(direct.pk)]["messages"]]
    assert seqs == list(range(1, 1204))
    assert by_id[str(direct.pk)]["messages"][0]["content"] == "m0 «ёж»"
    assert by_id[str(group.pk)]["messages"][0]["kind"] == "system"
    # One an hour.
    again = as_alice.get("/api/users/me/export")
    envelope_error(again, 429, "throttled")
    assert int(again["Retry-After"]) > 3000


def test_the_export_needs_a_sign_in(api):
    envelope_error(api.get("/api/users/me/export"), 401, "not_authenticated")
