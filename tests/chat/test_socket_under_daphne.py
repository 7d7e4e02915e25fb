"""S1 through the real stack: daphne refuses anonymous sockets and foreign origins."""

import asyncio
import json

import pytest
import websockets

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
