"""S1 through the real stack: daphne refuses anonymous sockets and foreign origins."""

import asyncio
import json

import pytest
import websockets

from chat.protocol import MAX_FRAME_BYTES, MAX_MESSAGE_BYTES
from tests.support.server import login_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def _handshake(url, headers):
    async with websockets.connect(url, additional_headers=headers, open_timeout=5) as socket:
        assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "hello"
        await socket.send(json.dumps({"type": "ping"}))
        return json.loads(await asyncio.wait_for(socket.recv(), 5))


def test_real_socket_needs_login_and_our_origin(daphne_server, person_in_32):
    url = f"{daphne_server.ws_url}/ws/"
    origin = daphne_server.url
    cookie = login_cookie(person_in_32.user)

    assert asyncio.run(_handshake(url, {"Origin": origin, "Cookie": cookie})) == {"type": "pong"}

    with pytest.raises(websockets.InvalidStatus) as anonymous:
        asyncio.run(_handshake(url, {"Origin": origin}))
    assert anonymous.value.response.status_code == 403

    with pytest.raises(websockets.InvalidStatus) as foreign:
        asyncio.run(_handshake(url, {"Origin": "https://evil.example", "Cookie": cookie}))
    assert foreign.value.response.status_code == 403


async def _oversized(url, headers, room_id):
    async with websockets.connect(
        url, additional_headers=headers, open_timeout=5, max_size=None
    ) as socket:
        assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "hello"
        answers = []
        for text in (
            # Refused by the protocol, the socket stays (S3) …
            json.dumps({"type": "ping", "pad": "x" * MAX_FRAME_BYTES}),
            "[" * 8000 + "]" * 8000,
            json.dumps(
                {"type": "send", "room": room_id, "client_id": "a1b2c3d4e5", "text": "\ud800"}
            ),
            json.dumps({"type": "send", "room": room_id, "client_id": "a1b2c3d4e5\n", "text": "x"}),
            json.dumps({"type": "ping"}),
        ):
            await socket.send(text)
            answers.append(json.loads(await asyncio.wait_for(socket.recv(), 5)))
        # … but a message over the transport limit is not read at all: close 1009.
        await socket.send("x" * (MAX_MESSAGE_BYTES + 1))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        return answers, closed.value.rcvd


def test_oversized_messages_are_closed_with_1009_and_smaller_ones_get_errors(
    daphne_server, person_in_32, room_32
):
    answers, close = asyncio.run(
        _oversized(
            f"{daphne_server.ws_url}/ws/",
            {"Origin": daphne_server.url, "Cookie": login_cookie(person_in_32.user)},
            room_32.pk,
        )
    )
    assert [(a["type"], a.get("code")) for a in answers] == [
        ("error", "too_large"),
        ("error", "malformed"),
        ("error", "invalid"),
        ("error", "invalid"),
        ("pong", None),
    ]
    # A close frame with its code, not a dropped connection (1006) and not silence.
    assert close is not None and close.code == 1009
