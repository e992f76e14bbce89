"""The cached chat list (messaging/chat_list_cache.py): never older than the reader's own
write nor than any change that reached the reader's clients, ``online`` as of the read, and
the list served from the database whenever Redis is not there."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import presence
from accounts.services.users import user_mark_seen
from chats.models import Chat
from messaging import chat_list_cache
from messaging.api.chats import chat_list_data
from messaging.services import message_send
from tests.factories import ChatFactory, UserFactory
from tests.helpers import envelope_data, last_code

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _cache_on(redis_server, settings):
    settings.TETHER_CHAT_LIST_CACHE = True
    chat_list_cache._flush_due = False
    chat_list_cache._down_until = 0.0


def chats_of(client) -> list:
    return envelope_data(client.get("/api/chats"))


def by_id(chats, chat) -> dict:
    return next(c for c in chats if c["id"] == str(chat.pk))


def cached(user) -> bool:
    return chat_list_cache.chat_list_lookup(user.pk).chats is not None


def send(client, chat, content="hi") -> dict:
    return envelope_data(
        client.post("/api/messages", {"chat_id": str(chat.pk), "content": content}, format="json"),
        201,
    )


def test_a_second_read_comes_from_the_cache_and_costs_only_the_sign_in(alice, bob, chat, as_alice):
    first = chats_of(as_alice)
    assert cached(alice)
    with CaptureQueriesContext(connection) as queries:
        second = chats_of(as_alice)
    assert second == first
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "chats_" not in tables and "messaging_" not in tables, tables
    assert len(queries.captured_queries) <= 2, tables  # the session and the user


def test_the_cache_answers_what_the_database_does(alice, bob, carol, as_alice, settings):
    ChatFactory(members=[alice, bob])
    group = envelope_data(
        as_alice.post(
            "/api/chats",
            {"kind": "group", "title": "G", "user_ids": [str(bob.pk), str(carol.pk)]},
            format="json",
        ),
        201,
    )
    first = chats_of(as_alice)
    assert cached(alice) and any(c["id"] == group["id"] for c in first)
    settings.TETHER_CHAT_LIST_CACHE = False
    assert chats_of(as_alice) == first


def test_my_message_is_in_my_next_read_and_in_my_peers_read(alice, bob, chat, as_alice, as_bob):
    chats_of(as_alice), chats_of(as_bob)
    message = send(as_alice, chat)
    mine, theirs = by_id(chats_of(as_alice), chat), by_id(chats_of(as_bob), chat)
    assert mine["last_message"]["id"] == message["id"]
    assert theirs["last_message"]["id"] == message["id"] and theirs["unread_count"] == 1


def test_a_message_sent_by_the_service_reaches_every_members_list(alice, bob, chat, as_bob):
    chats_of(as_bob)
    message_send(sender=alice, chat_id=chat.pk, content="from a service")
    assert by_id(chats_of(as_bob), chat)["last_message"]["content"] == "from a service"


def test_reading_moves_my_unread_count_and_my_peers_read_mark(alice, bob, chat, as_alice, as_bob):
    message = send(as_alice, chat)
    assert by_id(chats_of(as_bob), chat)["unread_count"] == 1
    chats_of(as_alice)
    url = f"/api/chats/{chat.pk}/read"
    envelope_data(as_bob.post(url, {"up_to_seq": message["seq"]}, format="json"))
    assert by_id(chats_of(as_bob), chat)["unread_count"] == 0
    assert by_id(chats_of(as_alice), chat)["peer_last_read_seq"] == message["seq"]


def test_mute_and_draft_show_in_my_next_read(alice, bob, chat, as_alice):
    chats_of(as_alice)
    as_alice.patch(f"/api/chats/{chat.pk}/settings", {"muted": True}, format="json")
    assert by_id(chats_of(as_alice), chat)["muted"] is True
    as_alice.put(f"/api/chats/{chat.pk}/draft", {"content": "half"}, format="json")
    assert by_id(chats_of(as_alice), chat)["draft"]["content"] == "half"


def test_a_rename_and_a_pin_show_in_every_members_next_read(alice, bob, carol, as_alice, as_bob):
    body = {"kind": "group", "title": "Old", "user_ids": [str(bob.pk), str(carol.pk)]}
    group = envelope_data(as_alice.post("/api/chats", body, format="json"), 201)
    chats_of(as_alice), chats_of(as_bob)
    url = f"/api/chats/{group['id']}"
    envelope_data(as_alice.patch(url, {"title": "New"}, format="json"))
    assert [c["title"] for c in chats_of(as_alice)] == ["New"]
    assert [c["title"] for c in chats_of(as_bob)] == ["New"]
    message = send(as_bob, Chat.objects.get(pk=group["id"]))
    chats_of(as_alice), chats_of(as_bob)
    envelope_data(as_alice.put(f"{url}/pin", {"message_id": message["id"]}, format="json"))
    assert chats_of(as_alice)[0]["pinned_message"]["id"] == message["id"]
    assert chats_of(as_bob)[0]["pinned_message"]["id"] == message["id"]


def test_a_new_direct_chat_shows_in_both_lists(alice, bob, as_alice, as_bob):
    assert chats_of(as_alice) == [] and chats_of(as_bob) == []
    opened = envelope_data(
        as_alice.post("/api/chats", {"user_id": str(bob.pk)}, format="json"), 201
    )
    assert [c["id"] for c in chats_of(as_alice)] == [opened["id"]]
    assert [c["id"] for c in chats_of(as_bob)] == [opened["id"]]


def test_my_profile_edit_shows_in_my_list_and_in_everyone_who_shares_a_chat(
    alice, bob, carol, chat, as_alice, as_bob, client_for
):
    ChatFactory(members=[alice, carol])
    as_carol = client_for(carol)
    chats_of(as_alice), chats_of(as_bob), chats_of(as_carol)
    envelope_data(as_alice.patch("/api/users/me", {"display_name": "Alicia"}, format="json"))
    for client in (as_alice, as_bob, as_carol):
        names = {m["display_name"] for c in chats_of(client) for m in c["members"]}
        assert "Alicia" in names and "Alice" not in names


def test_a_privacy_change_takes_effect_at_once_for_every_viewer(alice, bob, chat, as_alice, as_bob):
    user_mark_seen(user_id=alice.pk)
    user_mark_seen(user_id=bob.pk)
    assert by_id(chats_of(as_bob), chat)["peer"]["last_seen"] is not None
    assert by_id(chats_of(as_alice), chat)["peer"]["last_seen"] is not None
    as_alice.patch("/api/users/me/privacy", {"last_seen": "nobody"}, format="json")
    assert by_id(chats_of(as_bob), chat)["peer"]["last_seen"] is None
    assert by_id(chats_of(as_alice), chat)["peer"]["last_seen"] is None  # it works both ways


def test_read_receipts_turned_off_hide_reading_at_once(alice, bob, chat, as_alice, as_bob):
    message = send(as_alice, chat)
    as_bob.post(f"/api/chats/{chat.pk}/read", {"up_to_seq": message["seq"]}, format="json")
    assert by_id(chats_of(as_alice), chat)["peer_last_read_seq"] == message["seq"]
    as_bob.patch("/api/users/me/privacy", {"read_receipts": False}, format="json")
    assert by_id(chats_of(as_alice), chat)["peer_last_read_seq"] == 0


def test_a_deleted_account_reads_as_deleted_in_its_peers_list(alice, bob, chat, as_alice, as_bob):
    assert by_id(chats_of(as_bob), chat)["peer"]["display_name"] == "Alice"
    envelope_data(as_alice.post("/api/users/me/delete-code"))
    response = as_alice.delete("/api/users/me", {"code": last_code(alice.phone)}, format="json")
    assert response.status_code == 200
    assert by_id(chats_of(as_bob), chat)["peer"]["display_name"] == "Deleted account"


def test_last_seen_stamped_on_going_offline_shows_at_once(alice, bob, chat, as_bob):
    assert by_id(chats_of(as_bob), chat)["peer"]["last_seen"] is None
    user_mark_seen(user_id=alice.pk)
    assert by_id(chats_of(as_bob), chat)["peer"]["last_seen"] is not None


def test_online_is_looked_up_on_every_read_and_a_block_hides_it(alice, bob, chat, as_bob):
    assert by_id(chats_of(as_bob), chat)["peer"]["online"] is False
    store = presence.presence_store()
    async_to_sync(store.add)(str(alice.pk), "test-connection")
    try:
        assert by_id(chats_of(as_bob), chat)["peer"]["online"] is True  # no invalidation
        members = by_id(chats_of(as_bob), chat)["members"]
        assert {m["id"]: m["online"] for m in members}[str(alice.pk)] is True
        as_bob.post(f"/api/users/{alice.pk}/block")
        assert by_id(chats_of(as_bob), chat)["peer"]["online"] is False
    finally:
        async_to_sync(store.remove)(str(alice.pk), "test-connection")
    assert by_id(chats_of(as_bob), chat)["peer"]["online"] is False


def test_a_read_that_raced_a_write_cannot_store_the_old_list(alice, bob, chat, as_alice):
    lookup = chat_list_cache.chat_list_lookup(alice.pk)  # the reader reads the generation,
    assert lookup.chats is None and lookup.ticket is not None
    old = chat_list_data(alice)  # computes the list (stored, then dropped below),
    send(as_alice, chat, "newer")  # a write commits and invalidates,
    chat_list_cache.chat_list_store(alice.pk, lookup.ticket, old, shown=[], blocked=[])  # late
    assert not cached(alice)
    assert by_id(chats_of(as_alice), chat)["last_message"]["content"] == "newer"


def test_typing_leaves_the_cached_list_alone(alice, bob, chat, as_bob):
    from messaging import events

    chats_of(as_bob)
    async_to_sync(events.apublish)([bob.pk], events.typing_event(chat_id=chat.pk, user_id=alice.pk))
    assert cached(bob)
    async_to_sync(events.apublish)([bob.pk], {"type": "chat.updated", "chat_id": str(chat.pk)})
    assert not cached(bob)


def test_a_failed_invalidation_drops_every_entry_once_redis_answers(alice, bob, chat, as_bob):
    chats_of(as_bob)
    assert cached(bob)
    chat_list_cache._flush_due = True  # as after an invalidation that timed out
    assert not cached(bob)
    assert chat_list_cache._flush_due is False
    chats_of(as_bob)
    assert cached(bob)


def test_without_redis_the_list_is_served_from_the_database(alice, bob, chat, as_alice, redis_down):
    assert by_id(chats_of(as_alice), chat)["peer"]["id"] == str(bob.pk)
    send(as_alice, chat, "still")
    assert by_id(chats_of(as_alice), chat)["last_message"]["content"] == "still"


def test_a_read_inside_a_transaction_skips_the_cache(alice, bob, chat):
    from django.db import transaction

    with transaction.atomic():
        assert chat_list_cache.chat_list_lookup(alice.pk) == chat_list_cache.Lookup()


def test_sharing_lists_cover_every_co_member(alice, bob, carol):
    ChatFactory(members=[alice, bob])
    ChatFactory(members=[carol, UserFactory()])
    for user in (alice, bob, carol):
        chat_list_data(user)
    chat_list_cache.chat_lists_invalidate_sharing(alice.pk)
    assert not cached(alice) and not cached(bob) and cached(carol)
