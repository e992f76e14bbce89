"""Opening chats and listing them."""

import pytest

from chats.models import Chat, ChatMember
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def test_opening_a_chat_by_user_id_creates_it_once(as_alice, alice, bob):
    first = as_alice.post("/api/chats", {"user_id": str(bob.pk)}, format="json")
    chat = envelope_data(first, 201)
    assert chat["kind"] == "direct" and chat["peer"]["id"] == str(bob.pk)
    assert {m["id"] for m in chat["members"]} == {str(alice.pk), str(bob.pk)}
    assert chat["last_message"] is None and chat["unread_count"] == 0
    assert chat["last_read_seq"] == 0 and chat["peer_last_read_seq"] == 0
    again = envelope_data(as_alice.post("/api/chats", {"user_id": str(bob.pk)}, format="json"))
    assert again["id"] == chat["id"]
    assert Chat.objects.count() == 1 and ChatMember.objects.count() == 2


def test_the_peer_opening_the_same_chat_gets_it_too(as_alice, as_bob, alice, bob):
    chat = envelope_data(as_alice.post("/api/chats", {"user_id": str(bob.pk)}, format="json"), 201)
    theirs = envelope_data(
        as_bob.post("/api/chats", {"username": alice.username.upper()}, format="json")
    )
    assert theirs["id"] == chat["id"] and theirs["peer"]["id"] == str(alice.pk)


def test_a_chat_with_oneself_is_400(as_alice, alice):
    response = as_alice.post("/api/chats", {"user_id": str(alice.pk)}, format="json")
    envelope_error(response, 400, "validation_error")


@pytest.mark.parametrize(
    "body",
    [{}, {"user_id": "not-a-uuid"}, {"user_id": 5}, {"username": 5},
     {"user_id": "00000000-0000-0000-0000-000000000000", "username": "someone"}],
)  # fmt: skip
def test_bad_chat_bodies_are_400(as_alice, body):
    envelope_error(as_alice.post("/api/chats", body, format="json"), 400, "validation_error")


def test_an_unknown_user_is_404(as_alice):
    body = {"user_id": "00000000-0000-0000-0000-000000000000"}
    envelope_error(as_alice.post("/api/chats", body, format="json"), 404, "not_found")
    envelope_error(
        as_alice.post("/api/chats", {"username": "nobody_here"}, format="json"), 404, "not_found"
    )


def test_chat_detail_is_404_for_non_members_and_malformed_ids(as_carol, chat):
    envelope_error(as_carol.get(f"/api/chats/{chat.pk}"), 404, "not_found")
    envelope_error(as_carol.get("/api/chats/not-a-uuid"), 404, "not_found")
    envelope_error(as_carol.get(f"/api/chats/{chat.pk}/messages"), 404, "not_found")
    response = as_carol.post(f"/api/chats/{chat.pk}/read", {"up_to_seq": 1}, format="json")
    envelope_error(response, 404, "not_found")


def test_the_chat_list_puts_the_most_recent_activity_first(as_alice, alice, bob, carol, send):
    from chats.services import chat_get_or_create

    with_bob = chat_get_or_create(user=alice, peer=bob)[0]
    with_carol = chat_get_or_create(user=alice, peer=carol)[0]
    send(as_alice, with_bob, "first")
    send(as_alice, with_carol, "second")
    ids = [c["id"] for c in envelope_data(as_alice.get("/api/chats"))]
    assert ids == [str(with_carol.pk), str(with_bob.pk)]
    send(as_alice, with_bob, "third")
    listed = envelope_data(as_alice.get("/api/chats"))
    assert [c["id"] for c in listed] == [str(with_bob.pk), str(with_carol.pk)]
    assert listed[0]["last_message"]["content"] == "third"
    assert listed[0]["updated_at"] == listed[0]["last_message"]["created_at"]


def test_unread_counts_only_others_messages_past_my_read_seq(as_alice, as_bob, chat, send):
    for text in ["a", "b", "c"]:
        send(as_bob, chat, text)
    send(as_alice, chat, "mine")
    mine = envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))
    assert mine["unread_count"] == 3 and mine["last_read_seq"] == 0
    envelope_data(as_alice.post(f"/api/chats/{chat.pk}/read", {"up_to_seq": 2}, format="json"))
    mine = envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))
    assert mine["unread_count"] == 1 and mine["last_read_seq"] == 2
    theirs = envelope_data(as_bob.get(f"/api/chats/{chat.pk}"))
    assert theirs["peer_last_read_seq"] == 2 and theirs["unread_count"] == 1


def test_the_chat_list_requires_authentication(api):
    envelope_error(api.get("/api/chats"), 401, "not_authenticated")


def test_a_direct_chat_is_every_field_of_the_contract_from_the_viewers_side(
    as_alice, as_bob, alice, bob, chat, send
):
    send(as_alice, chat, "one")
    send(as_bob, chat, "two")
    as_bob.post(f"/api/chats/{chat.pk}/read", {"up_to_seq": 1}, format="json")
    as_alice.put(f"/api/chats/{chat.pk}/draft", {"content": "later"}, format="json")
    as_alice.patch(f"/api/chats/{chat.pk}/settings", {"muted": True}, format="json")
    [mine] = envelope_data(as_alice.get("/api/chats"))
    assert list(mine) == [
        "id", "kind", "title", "members", "member_count", "role", "peer", "last_message",
        "unread_count", "last_read_seq", "peer_last_read_seq", "pinned_message", "draft",
        "muted", "created_at", "updated_at",
    ]  # fmt: skip
    assert mine["id"] == str(chat.pk) and mine["kind"] == "direct" and mine["title"] is None
    assert [m["id"] for m in mine["members"]] == [str(alice.pk), str(bob.pk)]
    assert mine["member_count"] == 2 and mine["role"] == "member"
    assert mine["peer"] == mine["members"][1]
    assert mine["last_message"]["content"] == "two" and mine["last_message"]["is_read"] is False
    assert mine["unread_count"] == 1 and mine["last_read_seq"] == 0
    assert mine["peer_last_read_seq"] == 1 and mine["pinned_message"] is None
    assert mine["draft"]["content"] == "later" and mine["muted"] is True
    assert mine["created_at"].endswith("Z") and mine["updated_at"].endswith("Z")
    [theirs] = envelope_data(as_bob.get("/api/chats"))
    assert theirs["peer"]["id"] == str(alice.pk) and theirs["draft"] is None
    assert theirs["muted"] is False and theirs["unread_count"] == 0
    assert theirs["last_read_seq"] == 1 and theirs["peer_last_read_seq"] == 0


def test_a_groups_title_and_role_are_the_viewers(as_alice, as_bob, alice, bob, carol):
    body = {"kind": "group", "title": "Team", "user_ids": [str(bob.pk), str(carol.pk)]}
    group = envelope_data(as_alice.post("/api/chats", body, format="json"), 201)
    assert group["title"] == "Team" and group["role"] == "owner" and group["peer"] is None
    assert group["member_count"] == 3 and group["peer_last_read_seq"] is None
    theirs = envelope_data(as_bob.get(f"/api/chats/{group['id']}"))
    assert theirs["role"] == "member" and theirs["last_message"]["kind"] == "system"
