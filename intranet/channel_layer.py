"""Letting go of a process-local channel of the channel layer once nobody reads it.

channels_redis's pub/sub layer (4.3) subscribes every new channel in Redis and keeps a
queue for it in the process, and lets go of both only when a `receive()` on the channel is
cancelled while it waits (django/channels_redis#276 reports the resulting growth). A
health probe receives once and returns, so every probe left its channel behind. Under
daphne most closed sockets did too: the churn soak (tests/faults/test_churn_soak.py) saw
the subscriptions grow with the connections, by about three in four; the exact path
through channels' dispatch loop was not pinned down. Releasing the channel explicitly when
its reader is done stops both.
"""

import logging

from channels_redis.pubsub import RedisPubSubChannelLayer

logger = logging.getLogger(__name__)


async def channel_release(layer, channel: str) -> None:
    """Unsubscribe `channel` and drop its queue; harmless if the layer already did."""
    if not isinstance(layer, RedisPubSubChannelLayer):
        return  # the other layers keep nothing per channel beyond its last message's expiry
    loop_layer = layer._get_layer()
    if loop_layer.channels.pop(channel, None) is None:
        return
    try:
        await loop_layer._get_shard(channel).unsubscribe(channel)
    except Exception as error:  # noqa: BLE001 - Redis down: its restart drops it anyway
        logger.warning("channel layer: could not unsubscribe a channel (%r)", error)
