"""S1 and S3 on the portal's WebSocket: login and origin are required, bad frames get errors."""

import json

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from chat.consumers import MAX_FRAME_BYTES, user_group_name
from intranet.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


def _session_cookie(client, user) -> tuple[bytes, bytes]:
    client.force_login(user)
    return (
        b"cookie",
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode(),
    )


async def _connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _subprotocol = await communicator.connect()
    if connected:
        # The chat greets every socket with its user id (docs/chat-protocol.md).
        assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator, connected


async def test_anonymous_socket_is_refused():
    communicator, connected = await _connect([ORIGIN])
    assert connected is False
    await communicator.disconnect()


async def test_foreign_origin_is_refused(client, person_in_32):
    cookie = await _sync(_session_cookie, client, person_in_32.user)
    communicator, connected = await _connect([(b"origin", b"https://evil.example"), cookie])
    assert connected is False
    await communicator.disconnect()


async def test_missing_origin_is_refused(client, person_in_32):
    cookie = await _sync(_session_cookie, client, person_in_32.user)
    communicator, connected = await _connect([cookie])
    assert connected is False


async def test_logged_in_socket_answers_and_survives_bad_frames(client, person_in_32):
    cookie = await _sync(_session_cookie, client, person_in_32.user)
    communicator, connected = await _connect([ORIGIN, cookie])
    assert connected is True

    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await communicator.receive_json_from() == {"type": "pong"}

    bad_frames = [
        ("{kein json", "malformed"),
        (json.dumps([1, 2]), "malformed"),
        (json.dumps({"type": "gibt.es.nicht"}), "unknown_type"),
        ("x" * (MAX_FRAME_BYTES + 1), "too_large"),
    ]
    for text, code in bad_frames:
        await communicator.send_to(text_data=text)
        frame = await communicator.receive_json_from()
        assert frame["type"] == "error"
        assert frame["code"] == code
        assert frame["message"]  # German text for the person

    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from())["code"] == "binary_not_supported"

    # Still open after all of that.
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_session_close_event_ends_the_persons_sockets(client, person_in_32):
    cookie = await _sync(_session_cookie, client, person_in_32.user)
    communicator, connected = await _connect([ORIGIN, cookie])
    assert connected
    await get_channel_layer().group_send(
        user_group_name(person_in_32.user.pk), {"type": "session.close"}
    )
    output = await communicator.receive_output()
    assert output == {"type": "websocket.close", "code": 4003}


async def test_deactivated_user_is_refused(client, person_in_32):
    cookie = await _sync(_session_cookie, client, person_in_32.user)
    user = person_in_32.user
    user.is_active = False
    await user.asave()
    communicator, connected = await _connect([ORIGIN, cookie])
    assert connected is False


async def _sync(func, *args):
    from asgiref.sync import sync_to_async

    return await sync_to_async(func)(*args)
