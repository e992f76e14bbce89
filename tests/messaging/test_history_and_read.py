"""History pages with cursors, and read state."""

import pytest

from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(as_alice, chat, send):
    for n in range(1, 11):
        send(as_alice, chat, f"m{n}")
    return chat


def page(client, chat, query=""):
    response = client.get(f"/api/chats/{chat.pk}/messages{query}")
    body = response.json()
    assert response.status_code == 200, body
    return [m["seq"] for m in body["data"]], body["meta"]["has_more"]


def test_no_cursor_is_the_latest_page(as_bob, ten):
    assert page(as_bob, ten, "?limit=3") == ([8, 9, 10], True)
    assert page(as_bob, ten) == (list(range(1, 11)), False)


def test_before_seq_walks_back(as_bob, ten):
    assert page(as_bob, ten, "?before_seq=8&limit=3") == ([5, 6, 7], True)
    assert page(as_bob, ten, "?before_seq=4&limit=3") == ([1, 2, 3], False)
    assert page(as_bob, ten, "?before_seq=1") == ([], False)


def test_after_seq_walks_forward(as_bob, ten):
    assert page(as_bob, ten, "?after_seq=0&limit=4") == ([1, 2, 3, 4], True)
    assert page(as_bob, ten, "?after_seq=7&limit=3") == ([8, 9, 10], False)
    assert page(as_bob, ten, "?after_seq=10") == ([], False)


@pytest.mark.parametrize(
    "query",
    ["?limit=0", "?limit=101", "?limit=x", "?before_seq=-1", "?after_seq=abc",
     "?before_seq=3&after_seq=1", "?after_seq=1.5"],
)  # fmt: skip
def test_bad_cursors_and_limits_are_400(as_bob, ten, query):
    response = as_bob.get(f"/api/chats/{ten.pk}/messages{query}")
    envelope_error(response, 400, "validation_error")


def test_read_never_moves_back_nor_past_the_last_message(as_bob, ten):
    url = f"/api/chats/{ten.pk}/read"
    assert envelope_data(as_bob.post(url, {"up_to_seq": 5}, format="json")) == {"last_read_seq": 5}
    assert envelope_data(as_bob.post(url, {"up_to_seq": 3}, format="json")) == {"last_read_seq": 5}
    assert envelope_data(as_bob.post(url, {"up_to_seq": 99}, format="json")) == {
        "last_read_seq": 10
    }


@pytest.mark.parametrize(
    "body", [{}, {"up_to_seq": "5"}, {"up_to_seq": -1}, {"up_to_seq": True}, {"up_to_seq": 1.5}]
)
def test_bad_read_bodies_are_400(as_bob, ten, body):
    envelope_error(
        as_bob.post(f"/api/chats/{ten.pk}/read", body, format="json"), 400, "validation_error"
    )
