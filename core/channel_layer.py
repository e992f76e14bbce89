"""channels-redis' pub/sub layer, with one message to many groups in one Redis round trip.

The stock ``group_send`` serialises the message and publishes it to one group, holding the
shard's lock for the round trip; an event for a chat goes to every member's group, so a
message to a group of 50 cost 50 serialisations and 50 round trips, one after another.
``group_send_many`` serialises once and pipelines the PUBLISHes of each shard, and
publishes of different events go out side by side rather than one after another.

It reaches into two private parts of channels-redis 4.3 (the loop layer's shard lookup and
the shard's client and lock); ``tests/realtime/test_channel_layer.py`` pins that down.
"""

import asyncio
from collections.abc import Sequence

from channels_redis.pubsub import RedisPubSubChannelLayer


class TetherPubSubChannelLayer(RedisPubSubChannelLayer):
    async def group_send_many(
        self, groups: list[str], message: dict, before: Sequence[tuple] = ()
    ) -> None:
        """``group_send(group, message)`` for each of ``groups``, in one pipeline per shard.

        ``before``: Redis commands to run ahead of the PUBLISHes in the same pipeline (one
        round trip for both; Redis runs a pipeline's commands in order, so they have taken
        effect before any subscriber hears the message). With several shards they ride
        with the first one's."""
        layer = self._get_layer()
        payload = self.serialize(message)
        by_shard: dict = {}
        for group in groups:
            channel = layer._get_group_channel_name(group)
            by_shard.setdefault(layer._get_shard(channel), []).append(channel)
        for number, (shard, channels) in enumerate(by_shard.items()):
            # Not under the shard's lock, which the stock publish holds for its round trip:
            # with it, every publish of the process waited for the one before (50 sends in
            # flight spent 50 ms queued there). The client's pool gives each pipeline its
            # own connection; subscriptions keep the lock and their own connection.
            shard._ensure_redis()
            pipe = shard._redis.pipeline(transaction=False)
            for command in before if number == 0 else ():
                pipe.execute_command(*command)
            for channel in channels:
                pipe.publish(channel, payload)
            await pipe.execute()


def batches(layer) -> bool:
    """Whether ``layer`` sends to many groups in one batch (and takes ``before``)."""
    return getattr(layer, "group_send_many", None) is not None


async def group_send_many(
    layer, groups: list[str], message: dict, before: Sequence[tuple] = ()
) -> None:
    """Send ``message`` to ``groups`` through any channel layer: one batch where the layer
    can (``TetherPubSubChannelLayer``, with the ``before`` commands), else one
    ``group_send`` each, concurrently (``before`` must then be empty)."""
    if batches(layer):
        await layer.group_send_many(groups, message, before)
        return
    if before:
        raise ValueError("This channel layer runs no Redis commands.")
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))
