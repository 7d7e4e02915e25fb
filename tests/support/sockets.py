"""The three socket moves of the session-end tests on a real daphne: open a chat socket
with a session cookie, wait for its close code, and check that one is still served."""

import asyncio
import json

import pytest
import websockets


async def socket_open(server, cookie: str):
    """`server`: a DaphneServer (tests/support/server.py); waits for the `hello` frame."""
    socket = await websockets.connect(
        f"{server.ws_url}/ws/",
        additional_headers={"Origin": server.url, "Cookie": cookie},
        open_timeout=5,
    )
    assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "hello"
    return socket


async def socket_closed_with(socket) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(socket.recv(), 10)
    return closed.value.rcvd.code


async def socket_alive(socket) -> bool:
    await socket.send(json.dumps({"type": "ping"}))
    return json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}
