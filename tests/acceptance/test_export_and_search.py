"""The export streamed by a real daphne process, and search on PostgreSQL through HTTP."""

import json
import urllib.request

import pytest

from tests.acceptance.conftest import ok

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def test_the_export_streams_from_a_real_server(person):
    ann, boris = person("Ann"), person("Boris", via=1)
    chat_id = ann.open_chat(boris)
    for n in range(30):
        ok(ann.send(chat_id, f"сообщение номер {n}", via=n % 2), 201)
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        f"{ann.server().url}/api/users/me/export",
        headers={"Authorization": f"Bearer {ann.access}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Content-Disposition"].startswith("attachment")
        document = json.loads(response.read())
    [chat] = document["chats"]
    assert [m["seq"] for m in chat["messages"]] == list(range(1, 31))
    assert document["user"]["id"] == ann.id


def test_search_finds_word_forms_over_http(person):
    ann, boris = person("Ann"), person("Boris")
    chat_id = ann.open_chat(boris)
    ok(ann.send(chat_id, "Пришлю сообщения завтра"), 201)
    ok(ann.send(chat_id, "Meetings are moved"), 201)
    found = ok(
        boris.call(
            "GET", "/api/search/messages?q=%D1%81%D0%BE%D0%BE%D0%B1%D1%89%D0%B5%D0%BD%D0%B8%D0%B5"
        )
    )
    assert [m["content"] for m in found] == ["Пришлю сообщения завтра"]
    found = ok(boris.call("GET", "/api/search/messages?q=meeting"))
    assert [m["content"] for m in found] == ["Meetings are moved"]
