"""An idle socket survives the Redis channel layer's blocking read (redis-py 8 regression)."""

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from intranet.asgi import application

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


async def test_idle_socket_stays_open_longer_than_the_layers_pop_timeout(
    redis_url, client, person_in_32
):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis.")
    from asgiref.sync import sync_to_async

    await sync_to_async(client.force_login)(person_in_32.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
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
