"""Two real daphne processes sharing one Redis: messages cross processes, and a client whose
daphne dies reconnects to the other and, through `sync`, ends with every message once."""

import asyncio
import json
import uuid

import pytest
import websockets

from tests.support.server import DaphneServer, login_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

MESSAGES = 30


async def _open(server: DaphneServer, cookie: str):
    socket = await websockets.connect(
        f"{server.ws_url}/ws/",
        additional_headers={"Origin": server.url, "Cookie": cookie},
        open_timeout=5,
    )
    assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "hello"
    return socket


async def _frames(socket):
    while True:
        yield json.loads(await asyncio.wait_for(socket.recv(), 10))


@pytest.fixture
def two_daphnes(redis_url):
    prefix = f"t2d-{uuid.uuid4().hex[:8]}"
    env = {
        "REDIS_URL": redis_url,
        "CHANNEL_LAYER_PREFIX": prefix,
        "CACHE_KEY_PREFIX": prefix,
        "CHAT_SEND_RATE": "1000",
    }
    servers = [DaphneServer(extra_env=env), DaphneServer(extra_env=env)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_messages_cross_daphnes_and_survive_a_dying_one(
    two_daphnes, room_32, person_in_32, colleague_in_32
):
    first, second = two_daphnes
    sender_cookie = login_cookie(person_in_32.user)
    receiver_cookie = login_cookie(colleague_in_32.user)
    received: dict[int, str] = {}
    arrivals: list[int] = []
    held: set[int] = set()  # what the client had when its daphne died
    resumed_at: list[int] = []  # len(arrivals) when it reconnected

    async def send_all(sender):
        for index in range(1, MESSAGES + 1):
            await sender.send(
                json.dumps(
                    {
                        "type": "send",
                        "room": room_32.pk,
                        "client_id": f"stream-{index:04d}",
                        "text": f"Nachricht {index}",
                    }
                )
            )
            async for frame in _frames(sender):
                if frame["type"] == "ack" and frame["client_id"] == f"stream-{index:04d}":
                    break
            await asyncio.sleep(0.02)

    def keep(frame):
        if frame["type"] == "message" and frame["room"] == room_32.pk:
            arrivals.append(frame["seq"])
            received[frame["seq"]] = frame["text"]

    async def scenario():
        receiver = await _open(first, receiver_cookie)
        sender = await _open(second, sender_cookie)
        sending = asyncio.create_task(send_all(sender))

        # Live across processes: sent through the second daphne, received on the first.
        async for frame in _frames(receiver):
            keep(frame)
            if len(received) >= 10:
                break
        first.kill()  # mid-stream: the sender keeps going
        with pytest.raises(websockets.ConnectionClosed):
            async for frame in _frames(receiver):
                keep(frame)

        # The client reconnects to the surviving daphne and asks for what it missed since
        # the last message it holds; what is committed after it joined arrives live.
        assert sorted(received) == list(range(1, len(received) + 1))
        held.update(received)
        resumed_at.append(len(arrivals))
        receiver = await _open(second, receiver_cookie)
        await receiver.send(json.dumps({"type": "sync", "rooms": {str(room_32.pk): max(received)}}))
        async for frame in _frames(receiver):
            assert frame["type"] != "resync", "the gap is small: replay, not resync"
            keep(frame)
            if len(received) == MESSAGES:
                break
        await sending
        await receiver.close()
        await sender.close()

    asyncio.run(scenario())

    assert sorted(received) == list(range(1, MESSAGES + 1))
    assert [received[seq] for seq in sorted(received)] == [
        f"Nachricht {index}" for index in range(1, MESSAGES + 1)
    ]
    # Nothing the client held before the crash was sent again. (A message committed while
    # the new socket joins and syncs may come both replayed and live; the page shows each
    # seq once, as chat.js keys messages by seq.)
    assert held and not [seq for seq in arrivals[resumed_at[0] :] if seq in held], arrivals
