"""Chat fixtures: a real Redis channel layer, rooms and people, sockets with a session."""

import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from chat.models import Room
from intranet.asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Send-rate counters live in the cache; one test's burst must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_layer(redis_url, settings):
    """The consumer tests run against the real Redis channel layer the portal uses."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
        }
    }
    return redis_url


@pytest.fixture
def room_50(amt_50):
    return Room.objects.get(amt=amt_50)


@pytest.fixture
def superuser(db):
    from tests.support.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


def session_cookie(client, user) -> tuple[bytes, bytes]:
    """A new login session of `user`. Each socket gets its own: logging a second person in
    through the same client would end the first one's session, and with it their socket."""
    client = Client()
    client.force_login(user)
    value = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={value}".encode())


async def open_socket(client, user) -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie)(client, user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, cookie])
    connected, _subprotocol = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello == {"type": "hello", "user": user.pk}
    return communicator


async def receive_until(communicator, frame_type: str) -> dict:
    """The next frame of this type; frames of other types before it are skipped."""
    while True:
        frame = await communicator.receive_json_from(timeout=2)
        if frame["type"] == frame_type:
            return frame


async def send_message(communicator, room_id: int, text: str, client_id: str | None = None):
    client_id = client_id or uuid.uuid4().hex
    await communicator.send_json_to(
        {"type": "send", "room": room_id, "client_id": client_id, "text": text}
    )
    return client_id
