"""Drafts that follow a person across devices, cleared by sending; mute per chat."""

import pytest

from messaging.services import message_send
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def put_draft(client, chat, content):
    return client.put(f"/api/chats/{chat.pk}/draft", {"content": content}, format="json")


def drafts(published):
    return [(ids, e) for ids, e in published if e["type"] == "draft.updated"]


def test_a_draft_is_kept_shown_in_the_chat_and_told_to_ones_own_devices(
    alice, as_alice, as_bob, chat, published
):
    saved = envelope_data(put_draft(as_alice, chat, "  half a thought"))
    assert saved["content"] == "  half a thought" and saved["updated_at"].endswith("Z")
    assert envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))["draft"] == saved
    assert envelope_data(as_alice.get("/api/chats"))[0]["draft"] == saved
    assert envelope_data(as_bob.get(f"/api/chats/{chat.pk}"))["draft"] is None  # hers only
    [(ids, event)] = drafts(published)
    assert ids == {alice.pk}
    assert event == {"type": "draft.updated", "chat_id": str(chat.pk), **saved}


def test_an_empty_draft_clears_it(alice, as_alice, chat, published):
    put_draft(as_alice, chat, "x")
    envelope_data(put_draft(as_alice, chat, ""))
    assert envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))["draft"] is None
    assert [e["content"] for _, e in drafts(published)] == ["x", ""]


def test_sending_clears_the_draft_and_says_so(
    alice, as_alice, chat, published, django_capture_on_commit_callbacks
):
    put_draft(as_alice, chat, "almost")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=alice, chat_id=chat.pk, content="sent")
    assert envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))["draft"] is None
    assert [e["content"] for _, e in drafts(published)] == ["almost", ""]


def test_a_send_without_a_draft_publishes_no_draft_event(
    alice, chat, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=alice, chat_id=chat.pk, content="sent")
    assert drafts(published) == []


@pytest.mark.parametrize("content", ["x" * 4097, 5, None, "nul\x00"])
def test_bad_drafts_are_400(as_alice, chat, content):
    envelope_error(put_draft(as_alice, chat, content), 400, "validation_error")


def test_drafts_of_chats_not_ones_own_are_404(as_carol, chat):
    envelope_error(put_draft(as_carol, chat, "x"), 404, "not_found")


def test_mute_is_ones_own_and_still_counts_unread(bob, as_alice, as_bob, chat):
    muted = as_alice.patch(f"/api/chats/{chat.pk}/settings", {"muted": True}, format="json")
    assert envelope_data(muted)["muted"] is True
    assert envelope_data(as_bob.get(f"/api/chats/{chat.pk}"))["muted"] is False
    message_send(sender=bob, chat_id=chat.pk, content="hello?")
    listed = envelope_data(as_alice.get("/api/chats"))[0]
    assert listed["muted"] is True and listed["unread_count"] == 1
    unmuted = as_alice.patch(f"/api/chats/{chat.pk}/settings", {"muted": False}, format="json")
    assert envelope_data(unmuted)["muted"] is False


@pytest.mark.parametrize("body", [{}, {"muted": "yes"}, {"muted": 1}, {"muted": None}])
def test_bad_mute_settings_are_400(as_alice, chat, body):
    response = as_alice.patch(f"/api/chats/{chat.pk}/settings", body, format="json")
    envelope_error(response, 400, "validation_error")


def test_muting_a_chat_not_ones_own_is_404(as_carol, chat):
    response = as_carol.patch(f"/api/chats/{chat.pk}/settings", {"muted": True}, format="json")
    envelope_error(response, 404, "not_found")
