"""Privacy settings (API.md "Search and settings"): each rule works both ways, everywhere a
user, a presence event or a read state leaves the server."""

import pytest
from django.utils import timezone

from accounts.models import User
from chats.services import chat_get_or_create
from messaging.selectors import presence_watchers
from messaging.services import chat_mark_read, message_send
from tests.factories import UserFactory
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def privacy(user, **settings):
    fields = {"last_seen": "last_seen_visibility"}
    User.objects.filter(pk=user.pk).update(**{fields.get(k, k): v for k, v in settings.items()})
    user.refresh_from_db()


@pytest.fixture
def seen(alice, bob, carol):
    """Everyone was last seen a minute ago."""
    User.objects.filter(pk__in=[alice.pk, bob.pk, carol.pk]).update(last_seen=timezone.now())


def last_seen_of(client, user) -> object:
    return envelope_data(client.get(f"/api/users/{user.pk}"))["last_seen"]


def test_the_settings_read_and_change(as_alice):
    assert envelope_data(as_alice.get("/api/users/me/privacy")) == {
        "last_seen": "everyone",
        "read_receipts": True,
        "phone_discovery": "everyone",
    }
    changed = as_alice.patch("/api/users/me/privacy", {"last_seen": "chats"}, format="json")
    assert envelope_data(changed)["last_seen"] == "chats"
    both = {"read_receipts": False, "phone_discovery": "nobody"}
    assert envelope_data(as_alice.patch("/api/users/me/privacy", both, format="json")) == {
        "last_seen": "chats",
        **both,
    }


@pytest.mark.parametrize(
    "body",
    [{"last_seen": "friends"}, {"last_seen": 1}, {"read_receipts": "false"},
     {"read_receipts": 0}, {"phone_discovery": "chats"}],
)  # fmt: skip
def test_bad_settings_are_400(as_alice, body):
    response = as_alice.patch("/api/users/me/privacy", body, format="json")
    assert set(envelope_error(response, 400, "validation_error")["fields"]) == set(body)


@pytest.mark.parametrize(
    ("hers", "mine", "share", "shown"),
    [
        ("everyone", "everyone", False, True),
        ("chats", "everyone", False, False),
        ("chats", "everyone", True, True),
        ("nobody", "everyone", True, False),
        ("everyone", "nobody", True, False),  # it works both ways
        ("everyone", "chats", False, False),
        ("everyone", "chats", True, True),
    ],
)
def test_last_seen_is_shown_only_when_both_settings_allow(
    seen, alice, bob, as_bob, hers, mine, share, shown
):
    privacy(alice, last_seen=hers)
    privacy(bob, last_seen=mine)
    if share:
        chat_get_or_create(user=alice, peer=bob)
    assert (last_seen_of(as_bob, alice) is not None) is shown


def test_hidden_last_seen_is_hidden_in_lists_too(seen, alice, bob, as_bob):
    chat_get_or_create(user=alice, peer=bob)
    privacy(alice, last_seen="nobody")
    listed = envelope_data(as_bob.get("/api/chats"))[0]
    assert listed["peer"]["last_seen"] is None and listed["peer"]["online"] is False
    found = envelope_data(as_bob.get(f"/api/users?q={alice.username}"))
    assert found[0]["last_seen"] is None
    # One's own is always there.
    assert envelope_data(as_bob.get("/api/users/me"))["last_seen"] is not None


def test_presence_events_follow_the_settings_both_ways(alice, bob, carol):
    chat_get_or_create(user=alice, peer=bob)
    chat_get_or_create(user=alice, peer=carol)
    assert set(presence_watchers(user_id=alice.pk)) == {bob.pk, carol.pk}
    privacy(carol, last_seen="nobody")
    assert set(presence_watchers(user_id=alice.pk)) == {bob.pk}
    privacy(bob, last_seen="chats")  # shares a chat with her: still hears
    assert set(presence_watchers(user_id=alice.pk)) == {bob.pk}
    privacy(alice, last_seen="nobody")
    assert presence_watchers(user_id=alice.pk) == []


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_read_receipts_off_either_way_hide_reading_in_the_direct_chat(
    alice, bob, as_alice, as_bob, published, who
):
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    sent = message_send(sender=alice, chat_id=chat.pk, content="did you read it?").message
    privacy({"alice": alice, "bob": bob}[who], read_receipts=False)
    published.clear()
    as_bob.post(f"/api/chats/{chat.pk}/read", {"up_to_seq": 1}, format="json")
    reads = [(ids, e) for ids, e in published if e["type"] == "chat.read"]
    assert reads and all(ids == {bob.pk} for ids, _ in reads)  # only his own devices
    mine = envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))
    assert mine["peer_last_read_seq"] == 0
    history = envelope_data(as_alice.get(f"/api/chats/{chat.pk}/messages"))
    assert history[0]["is_read"] is False
    assert envelope_data(as_alice.get(f"/api/messages/{sent.pk}/readers")) == []
    # Turned back on, the reading shows again.
    privacy({"alice": alice, "bob": bob}[who], read_receipts=True)
    assert envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))["peer_last_read_seq"] == 1


def test_read_receipts_do_not_touch_groups(alice, bob, carol, as_alice):
    from messaging.services.groups import group_create

    group = group_create(owner=alice, title="G", user_ids=[bob.pk, carol.pk])
    privacy(bob, read_receipts=False)
    chat_mark_read(user=bob, chat_id=group.pk, up_to_seq=1)
    members = envelope_data(as_alice.get(f"/api/chats/{group.pk}/members"))
    assert {m["user"]["id"]: m["last_read_seq"] for m in members}[str(bob.pk)] == 1


def test_phone_discovery_nobody_hides_from_strangers_only(alice, bob, as_bob, client_for):
    privacy(alice, phone_discovery="nobody")
    stranger = client_for(UserFactory())
    assert envelope_data(stranger.get("/api/users", {"phone": alice.phone})) == []
    assert envelope_data(as_bob.get("/api/users", {"phone": alice.phone})) == []
    chat_get_or_create(user=alice, peer=bob)
    assert [u["id"] for u in envelope_data(as_bob.get("/api/users", {"phone": alice.phone}))] == [
        str(alice.pk)
    ]
