"""The pub/sub channel layer lets go of a channel once nobody reads it: health probes leave
no subscription and no queue behind (intranet/channel_layer.py). Closed sockets are
checked on the real stack, under daphne, by tests/faults/test_churn_soak.py."""

import uuid

import pytest
import redis
from channels.layers import get_channel_layer
from django.test import AsyncClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@pytest.fixture
def pubsub_prefix(redis_url, settings):
    prefix = f"release-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": prefix},
        }
    }
    return prefix


def subscriptions(redis_url: str, prefix: str) -> list[bytes]:
    return redis.Redis.from_url(redis_url).pubsub_channels(f"{prefix}*")


async def test_health_probes_leave_no_channel_behind(pubsub_prefix, redis_url):
    for _ in range(3):
        assert (await AsyncClient().get("/healthz")).status_code == 200
    assert get_channel_layer()._get_layer().channels == {}
    assert subscriptions(redis_url, pubsub_prefix) == []
