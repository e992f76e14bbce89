"""``core.channel_layer``: one message to many groups in one Redis round trip per shard,
received exactly as ``group_send`` would deliver it (it uses two private parts of
channels-redis, which these tests pin down)."""

import pytest

from core.channel_layer import TetherPubSubChannelLayer, group_send_many

pytestmark = pytest.mark.redis


@pytest.fixture
def layer(redis_server):
    from django.conf import settings

    return TetherPubSubChannelLayer(hosts=[settings.REDIS_URL], prefix="tether-test")


async def test_every_group_gets_the_message_once(layer):
    channels = [await layer.new_channel() for _ in range(3)]
    for index, channel in enumerate(channels):
        await layer.group_add(f"user.{index}", channel)
    await layer.group_add("user.0", channels[1])  # one channel in two groups gets it twice
    try:
        await group_send_many(layer, ["user.0", "user.1", "user.2"], {"type": "t.x", "n": 1})
        got = [await layer.receive(channel) for channel in channels]
        assert got == [{"type": "t.x", "n": 1}] * 3
        assert await layer.receive(channels[1]) == {"type": "t.x", "n": 1}
    finally:
        await layer.flush()


async def test_a_layer_without_batches_sends_one_by_one():
    from channels.layers import InMemoryChannelLayer

    layer = InMemoryChannelLayer()
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("a", first)
    await layer.group_add("b", second)
    await group_send_many(layer, ["a", "b"], {"type": "t.y"})
    assert await layer.receive(first) == {"type": "t.y"}
    assert await layer.receive(second) == {"type": "t.y"}


async def test_commands_before_the_message_have_run_when_it_arrives(layer):
    """The chat lists' invalidation rides in the event's own pipeline, ahead of it."""
    import redis.asyncio
    from django.conf import settings

    channel = await layer.new_channel()
    await layer.group_add("user.9", channel)
    client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
    try:
        await client.delete("tether-test:before")
        before = [("SET", "tether-test:before", "done")]
        await group_send_many(layer, ["user.9"], {"type": "t.z"}, before)
        assert await layer.receive(channel) == {"type": "t.z"}
        assert await client.get("tether-test:before") == b"done"
    finally:
        await client.delete("tether-test:before")
        await client.aclose()
        await layer.flush()
