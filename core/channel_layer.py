"""channels-redis' pub/sub layer, with one message to many groups in one Redis round trip.

The stock ``group_send`` serialises the message and publishes it to one group, holding the
shard's lock for the round trip; an event for a chat goes to every member's group, so a
message to a group of 50 cost 50 serialisations and 50 round trips, one after another.
``group_send_many`` serialises once and pipelines the PUBLISHes of each shard.

It reaches into two private parts of channels-redis 4.3 (the loop layer's shard lookup and
the shard's client and lock); ``tests/realtime/test_channel_layer.py`` pins that down.
"""

import asyncio

from channels_redis.pubsub import RedisPubSubChannelLayer


class TetherPubSubChannelLayer(RedisPubSubChannelLayer):
    async def group_send_many(self, groups: list[str], message: dict) -> None:
        """``group_send(group, message)`` for each of ``groups``, in one pipeline per shard."""
        layer = self._get_layer()
        payload = self.serialize(message)
        by_shard: dict = {}
        for group in groups:
            channel = layer._get_group_channel_name(group)
            by_shard.setdefault(layer._get_shard(channel), []).append(channel)
        for shard, channels in by_shard.items():
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for channel in channels:
                    pipe.publish(channel, payload)
                await pipe.execute()


async def group_send_many(layer, groups: list[str], message: dict) -> None:
    """Send ``message`` to ``groups`` through any channel layer: one batch where the layer
    can (``TetherPubSubChannelLayer``), else one ``group_send`` each, concurrently."""
    batch = getattr(layer, "group_send_many", None)
    if batch is not None:
        await batch(groups, message)
        return
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))
