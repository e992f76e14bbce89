"""Reactions (one emoji per person per message) and pins (one per chat) over HTTP: their
shapes, their rules, their events and their limit (API.md "Messages")."""

import pytest

from accounts.services.blocks import user_block
from chats.services import chat_get_or_create
from core.errors import Throttled
from messaging.models import ChatPin, Message, Reaction
from messaging.services import message_delete, message_react, message_send
from messaging.services.groups import group_change_role, group_create
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def react(client, message, emoji):
    return client.put(f"/api/messages/{message.pk}/reaction", {"emoji": emoji}, format="json")


def unreact(client, message):
    return client.delete(f"/api/messages/{message.pk}/reaction")


def pin(client, chat, message):
    return client.put(f"/api/chats/{chat.pk}/pin", {"message_id": str(message.pk)}, format="json")


def events_of(published, kind):
    return [(ids, event) for ids, event in published if event["type"] == kind]


@pytest.fixture
def hello(alice, chat):
    return message_send(sender=alice, chat_id=chat.pk, content="hello").message


@pytest.fixture
def group(alice, bob, carol):
    return group_create(owner=alice, title="Team", user_ids=[bob.pk, carol.pk])


# --- reactions ----------------------------------------------------------------------------


def test_a_reaction_shows_with_its_count_and_people(as_bob, alice, bob, chat, hello, published):
    message = envelope_data(react(as_bob, hello, "👍"), 200)
    assert message["reactions"] == [{"emoji": "👍", "count": 1, "user_ids": [str(bob.pk)]}]
    assert message["edited_at"] is None and message["seq"] == hello.seq
    [(ids, event)] = events_of(published, "message.updated")
    assert ids == {alice.pk, bob.pk}
    assert event["message"]["reactions"] == message["reactions"]


def test_a_new_reaction_replaces_the_old_and_the_same_again_changes_nothing(
    as_bob, chat, hello, published
):
    react(as_bob, hello, "👍")
    message = envelope_data(react(as_bob, hello, "❤️"), 200)
    envelope_data(react(as_bob, hello, "❤️"), 200)
    assert [r["emoji"] for r in message["reactions"]] == ["❤️"]
    assert Reaction.objects.filter(message=hello).count() == 1
    assert len(events_of(published, "message.updated")) == 2


def test_taking_a_reaction_back_and_again_is_200(as_bob, chat, hello, published):
    react(as_bob, hello, "👍")
    assert envelope_data(unreact(as_bob, hello), 200)["reactions"] == []
    assert envelope_data(unreact(as_bob, hello), 200)["reactions"] == []
    assert len(events_of(published, "message.updated")) == 2  # the reaction, its removal


def test_the_most_used_come_first_and_ties_go_by_the_earliest(as_alice, as_bob, as_carol, group):
    message = message_send(sender=group.memberships.first().user, chat_id=group.pk, content="x")
    target = message.message
    react(as_carol, target, "🎉")  # first, but will stay alone
    react(as_alice, target, "👍")
    react(as_bob, target, "👍")
    data = envelope_data(react(as_bob, target, "👍"), 200)
    assert [(r["emoji"], r["count"]) for r in data["reactions"]] == [("👍", 2), ("🎉", 1)]
    data = envelope_data(react(as_bob, target, "🔥"), 200)  # 👍 1, 🎉 1, 🔥 1: by age
    assert [r["emoji"] for r in data["reactions"]] == ["🎉", "👍", "🔥"]


@pytest.mark.parametrize("emoji", ["👍🏽", "🇷🇺", "👨‍👩‍👧", "👩🏽‍💻", "🏳️‍🌈", "1️⃣", "❤️"])
def test_any_single_emoji_is_taken(as_bob, hello, emoji):
    assert envelope_data(react(as_bob, hello, emoji), 200)["reactions"][0]["emoji"] == emoji


@pytest.mark.parametrize("emoji", ["", "a", "👍👍", " 👍", "👍 ", "#", "\u200d", 5, None, ["👍"]])
def test_anything_but_one_emoji_is_400(as_bob, hello, emoji):
    body = envelope_error(react(as_bob, hello, emoji), 400, "validation_error")
    assert "emoji" in body["fields"]
    assert not Reaction.objects.exists()


def test_reacting_where_one_cannot_see_or_to_a_deleted_message_is_404(
    as_carol, as_bob, alice, hello
):
    envelope_error(react(as_carol, hello, "👍"), 404, "not_found")
    message_delete(actor=alice, message_id=hello.pk)
    envelope_error(react(as_bob, hello, "👍"), 404, "not_found")
    envelope_error(unreact(as_bob, hello), 404, "not_found")


def test_reacting_to_a_system_message_is_400(as_bob, group):
    system = Message.objects.get(chat=group, seq=1)
    envelope_error(react(as_bob, system, "👍"), 400, "validation_error")


@pytest.mark.parametrize("blocker", ["alice", "bob"])
def test_a_block_stops_reactions_in_the_direct_chat(as_bob, alice, bob, hello, blocker):
    people = {"alice": alice, "bob": bob}
    user_block(user=people[blocker], target=bob if blocker == "alice" else alice)
    envelope_error(react(as_bob, hello, "👍"), 403, "blocked")


def test_a_block_does_not_stop_reactions_in_a_group(as_bob, alice, bob, group):
    target = message_send(sender=alice, chat_id=group.pk, content="x").message
    user_block(user=alice, target=bob)
    assert envelope_data(react(as_bob, target, "👍"), 200)["reactions"][0]["count"] == 1


def test_deleting_a_message_takes_its_reactions(as_bob, alice, hello):
    react(as_bob, hello, "👍")
    data = message_delete(actor=alice, message_id=hello.pk)
    assert data["reactions"] == [] and not Reaction.objects.exists()


def test_reactions_and_pins_are_limited_together(alice, bob, chat, settings, as_bob):
    settings.TETHER_THROTTLE = True
    settings.TETHER_RATE_LIMITS = {**settings.TETHER_RATE_LIMITS, "message_mark": (3, 10)}
    messages = [
        message_send(sender=alice, chat_id=chat.pk, content=f"{n}").message for n in range(3)
    ]
    message_react(user=bob, message_id=messages[0].pk, emoji="👍")
    message_react(user=bob, message_id=messages[1].pk, emoji="👍")
    envelope_data(pin(as_bob, chat, messages[2]), 200)
    with pytest.raises(Throttled):
        message_react(user=bob, message_id=messages[2].pk, emoji="👍")
    response = react(as_bob, messages[2], "🔥")
    envelope_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    # Sends are counted apart: reacting never stops talking.
    message_send(sender=bob, chat_id=chat.pk, content="still here")


# --- pins ---------------------------------------------------------------------------------


def test_any_member_of_a_direct_chat_pins_and_unpins(as_bob, alice, bob, chat, hello, published):
    data = envelope_data(pin(as_bob, chat, hello), 200)
    assert data["pinned_message"]["id"] == str(hello.pk)
    assert data["id"] == str(chat.pk)
    assert events_of(published, "chat.updated") == [
        ({alice.pk, bob.pk}, {"type": "chat.updated", "chat_id": str(chat.pk)})
    ]
    listed = envelope_data(as_bob.get("/api/chats"))[0]
    assert listed["pinned_message"]["id"] == str(hello.pk)
    data = envelope_data(as_bob.delete(f"/api/chats/{chat.pk}/pin"), 200)
    envelope_data(as_bob.delete(f"/api/chats/{chat.pk}/pin"), 200)  # nothing pinned: fine
    assert data["pinned_message"] is None
    assert len(events_of(published, "chat.updated")) == 2


def test_a_pin_replaces_the_last_one(as_alice, alice, chat, hello):
    other = message_send(sender=alice, chat_id=chat.pk, content="more").message
    pin(as_alice, chat, hello)
    data = envelope_data(pin(as_alice, chat, other), 200)
    assert data["pinned_message"]["seq"] == other.seq
    assert ChatPin.objects.count() == 1


def test_in_a_group_only_the_owner_and_admins_pin(as_alice, as_bob, alice, bob, group):
    target = message_send(sender=bob, chat_id=group.pk, content="x").message
    envelope_error(pin(as_bob, group, target), 403, "permission_denied")
    envelope_error(as_bob.delete(f"/api/chats/{group.pk}/pin"), 403, "permission_denied")
    group_change_role(actor=alice, chat_id=group.pk, user_id=bob.pk, role="admin")
    assert envelope_data(pin(as_bob, group, target), 200)["pinned_message"]["id"] == str(target.pk)


def test_pinning_against_the_rules(as_alice, alice, carol, chat, group, hello):
    elsewhere = message_send(sender=alice, chat_id=group.pk, content="elsewhere").message
    body = envelope_error(pin(as_alice, chat, elsewhere), 400, "validation_error")
    assert "message_id" in body["fields"]
    system = Message.objects.get(chat=group, seq=1)
    envelope_error(pin(as_alice, group, system), 400, "validation_error")
    carol_chat = chat_get_or_create(user=carol, peer=group.memberships.last().user)[0]
    hidden = message_send(sender=carol, chat_id=carol_chat.pk, content="hidden").message
    envelope_error(pin(as_alice, chat, hidden), 404, "not_found")
    gone = message_send(sender=alice, chat_id=chat.pk, content="gone").message
    message_delete(actor=alice, message_id=gone.pk)
    envelope_error(pin(as_alice, chat, gone), 400, "validation_error")
    bad = as_alice.put(f"/api/chats/{chat.pk}/pin", {"message_id": "x"}, format="json")
    envelope_error(bad, 400, "validation_error")
    assert not ChatPin.objects.exists()


def test_pinning_in_a_chat_not_ones_own_is_404(as_carol, chat, hello):
    envelope_error(pin(as_carol, chat, hello), 404, "not_found")
    envelope_error(as_carol.delete(f"/api/chats/{chat.pk}/pin"), 404, "not_found")


def test_a_block_stops_pins_in_the_direct_chat(as_alice, alice, bob, chat, hello):
    user_block(user=bob, target=alice)
    envelope_error(pin(as_alice, chat, hello), 403, "blocked")


def test_deleting_the_pinned_message_unpins_it(
    as_alice, alice, bob, chat, hello, published, django_capture_on_commit_callbacks
):
    pin(as_alice, chat, hello)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(actor=alice, message_id=hello.pk)
    assert envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))["pinned_message"] is None
    kinds = [event["type"] for _, event in published]
    assert kinds == ["message.deleted", "chat.updated"]


def test_reactions_and_pins_change_no_seq_and_no_edit_time(as_alice, as_bob, alice, chat, hello):
    react(as_bob, hello, "👍")
    pin(as_alice, chat, hello)
    hello.refresh_from_db()
    assert hello.edited_at is None
    chat.refresh_from_db()
    assert chat.last_seq == 1
