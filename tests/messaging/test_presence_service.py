"""Presence stores (memory and Redis, one interface) and the presence service's heartbeat."""

import logging
import uuid

import pytest
import redis

from accounts.presence import MemoryPresenceStore, RedisPresenceStore, online_ids
from messaging import presence as presence_service


async def _first_and_last(store) -> list:
    user = uuid.uuid4().hex
    return [
        await store.add(user, "conn-1"),
        await store.add(user, "conn-2"),
        user in {str(u) for u in store.online_ids([user])},
        await store.remove(user, "conn-1"),
        await store.remove(user, "conn-2"),
        store.online_ids([user]),
    ]


async def test_the_memory_store_knows_a_users_first_and_last_connection():
    assert await _first_and_last(MemoryPresenceStore()) == [True, False, True, False, True, set()]


async def test_the_redis_store_knows_a_users_first_and_last_connection(redis_server):
    assert await _first_and_last(RedisPresenceStore()) == [True, False, True, False, True, set()]


async def test_a_dead_processs_users_are_claimed_by_one_survivor(redis_server, settings):
    settings.TETHER_PRESENCE_TTL_SECONDS = -1  # every entry written now has already expired
    dead, survivor, other = RedisPresenceStore(), RedisPresenceStore(), RedisPresenceStore()
    user = uuid.uuid4().hex
    await dead.add(user, "conn")
    claims = [await survivor.claim_expired(), await other.claim_expired()]
    assert [user in claimed for claimed in claims] == [True, False]


@pytest.mark.django_db
def test_online_ids_hides_people_on_either_side_of_a_block(alice, bob, monkeypatch):
    from accounts.presence import presence_store
    from accounts.services.blocks import user_block

    monkeypatch.setattr(presence_store(), "online_ids", lambda ids: set(ids))
    assert online_ids([bob.pk], viewer_id=alice.pk) == {bob.pk}
    user_block(user=bob, target=alice)
    assert online_ids([bob.pk], viewer_id=alice.pk) == set()


async def test_a_failed_heartbeat_is_logged_and_the_next_beat_tries_again(
    settings, monkeypatch, caplog
):
    settings.TETHER_PRESENCE_HEARTBEAT_SECONDS = 0.01
    store = MemoryPresenceStore()
    store.local["conn"] = "someone"
    monkeypatch.setattr(presence_service, "presence_store", lambda: store)
    beats = []

    async def beat():
        beats.append(1)
        if len(beats) == 1:
            raise redis.ConnectionError("Redis went away")
        store.local.clear()  # the last socket closed: the loop ends

    monkeypatch.setattr(presence_service, "presence_heartbeat", beat)
    with caplog.at_level(logging.WARNING, logger="tether.presence"):
        await presence_service._heartbeat_loop()
    assert len(beats) == 2
    assert "Presence heartbeat failed" in caplog.text


async def test_a_closing_socket_leaves_the_store_at_once_and_is_announced_after(monkeypatch):
    """Thousands of sockets closing together must not wait, each, for their announcement's
    database work: a socket's task cut short would leave its user "online"."""
    import asyncio

    store = MemoryPresenceStore()
    monkeypatch.setattr(presence_service, "presence_store", lambda: store)
    announced, release = [], asyncio.Event()

    async def slow_announce(user_id, *, online):
        await release.wait()
        announced.append((user_id, online))

    monkeypatch.setattr(presence_service, "presence_announce", slow_announce)
    await store.add("u1", "conn")
    await asyncio.wait_for(presence_service.presence_disconnect(user_id="u1", connection="conn"), 1)
    assert store.online_ids(["u1"]) == set() and announced == []
    release.set()
    await asyncio.wait_for(presence_service.presence_settled(), 1)
    assert announced == [("u1", False)]
