"""An idle socket survives the Redis channel layer's blocking read (redis-py 8 regression)."""

import asyncio
import json
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from intranet.asgi import application

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "backend",
    [
        # The core layer receives with a 5 s blocking BZPOPMIN: the read this test is about.
        "channels_redis.core.RedisChannelLayer",
        # The default (CHANNEL_LAYER=pubsub) waits on a subscription instead.
        "channels_redis.pubsub.RedisPubSubChannelLayer",
    ],
)
async def test_idle_socket_stays_open_longer_than_the_layers_pop_timeout(
    backend, redis_url, client, person_in_32, settings
):
    # The portal's own host options (its socket_timeout is what keeps the core layer's
    # idle sockets alive), with the backend chosen here.
    portal = settings.CHANNEL_LAYERS["default"]
    assert portal["BACKEND"].startswith("channels_redis.")
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": backend,
            "CONFIG": {"hosts": portal["CONFIG"]["hosts"], "prefix": f"t-{uuid.uuid4().hex[:8]}"},
        }
    }
    from asgiref.sync import sync_to_async

    await sync_to_async(client.force_login)(person_in_32.user)
    name = django_settings.SESSION_COOKIE_NAME
    cookie = f"{name}={client.cookies[name].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie.encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    await asyncio.sleep(6.5)  # longer than the layer's 5 s BZPOPMIN
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await communicator.receive_json_from(timeout=3) == {"type": "pong"}
    await communicator.disconnect()
