"""S1 and S3 on the portal's WebSocket: login and origin are required, bad frames get errors."""

import json

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import Client

from chat.consumers import MAX_FRAME_BYTES
from chat.events import user_group_name
from intranet.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


def _session_cookie(client, user) -> tuple[bytes, bytes]:
    client = Client()  # a session of its own: another login through one client ends it
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


@pytest.mark.parametrize(
    "outage",
    [OperationalError("connection refused"), InterfaceError("connection already closed")],
)
async def test_an_unreachable_database_refuses_the_send_and_keeps_the_socket(
    outage, client, monkeypatch, room_32, person_in_32
):
    from chat import selectors, services
    from chat.models import Message

    def unreachable(**_kwargs):
        raise outage

    cookie = await _sync(_session_cookie, client, person_in_32.user)
    communicator, connected = await _connect([ORIGIN, cookie])
    assert connected is True
    send = {"type": "send", "room": room_32.pk, "client_id": "ausfall-0001", "text": "Hallo"}

    # The database fails while the message is stored: no ack, an error naming the send.
    monkeypatch.setattr(services, "message_send", unreachable)
    await communicator.send_to(text_data=json.dumps(send))
    assert await communicator.receive_json_from() == {
        "type": "error",
        "code": "unavailable",
        "message": "Der Chat ist gerade nicht erreichbar. Die Nachricht wird erneut gesendet.",
        "ref": "ausfall-0001",
    }
    # It fails already while the rights are read again (S2): the same, and pings still work.
    monkeypatch.setattr(selectors, "room_ids_for_user", unreachable)
    await communicator.send_to(text_data=json.dumps(send))
    assert (await communicator.receive_json_from())["code"] == "unavailable"
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await communicator.receive_json_from() == {"type": "pong"}
    assert await communicator.receive_nothing()

    # Back again: the client's resend with the same client id is stored once.
    monkeypatch.undo()
    await communicator.send_to(text_data=json.dumps(send))
    ack = await communicator.receive_json_from()
    assert (ack["type"], ack["client_id"], ack["duplicate"]) == ("ack", "ausfall-0001", False)
    assert await _sync(Message.objects.filter(client_id="ausfall-0001").count) == 1
    await communicator.disconnect()


async def _socket_where_service_fails(client, monkeypatch, user, service: str, error):
    """An open socket of `user` whose `chat.services.<service>` raises `error`."""
    from chat import services

    def failing(**_kwargs):
        raise error

    cookie = await _sync(_session_cookie, client, user)
    communicator, _connected = await _connect([ORIGIN, cookie])
    monkeypatch.setattr(services, service, failing)
    return communicator


async def test_an_integrity_error_is_not_taken_for_an_outage(
    client, monkeypatch, room_32, person_in_32
):
    communicator = await _socket_where_service_fails(
        client,
        monkeypatch,
        person_in_32.user,
        "message_send",
        IntegrityError("duplicate key value violates unique constraint"),
    )
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "send", "room": room_32.pk, "client_id": "kaputt-0001", "text": "Hallo"}
        )
    )
    with pytest.raises(IntegrityError):
        await communicator.receive_output()


async def test_a_refused_edit_asks_the_person_to_try_again(
    client, monkeypatch, room_32, person_in_32
):
    """Only a `send` is resent by the client; for an edit the message must not promise it."""
    communicator = await _socket_where_service_fails(
        client,
        monkeypatch,
        person_in_32.user,
        "message_edit",
        OperationalError("connection refused"),
    )
    await communicator.send_to(
        text_data=json.dumps({"type": "edit", "room": room_32.pk, "seq": 1, "text": "Neu"})
    )
    assert await communicator.receive_json_from() == {
        "type": "error",
        "code": "unavailable",
        "message": "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch "
        "einmal.",
        "ref": f"{room_32.pk}:1",
    }
    await communicator.disconnect()


async def test_a_socket_opened_during_an_outage_is_refused_cleanly(
    client, monkeypatch, person_in_32, caplog
):
    """No "Exception inside application": the handshake is refused, the client retries."""
    from chat import consumers

    def unreachable(_user_id):
        raise OperationalError("connection refused")

    cookie = await _sync(_session_cookie, client, person_in_32.user)
    monkeypatch.setattr(consumers, "_socket_state", unreachable)
    communicator, connected = await _connect([ORIGIN, cookie])
    assert connected is False
    await communicator.disconnect()
    assert "socket refused, a service is unreachable" in caplog.text


async def test_closing_a_socket_while_redis_is_down_raises_nothing(
    client, monkeypatch, person_in_32, caplog
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    cookie = await _sync(_session_cookie, client, person_in_32.user)
    communicator, connected = await _connect([ORIGIN, cookie])
    assert connected is True

    async def unreachable(*_args):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(get_channel_layer(), "group_discard", unreachable)
    await communicator.disconnect()  # an exception in disconnect() would surface here
    assert "groups not left, a service is unreachable" in caplog.text
