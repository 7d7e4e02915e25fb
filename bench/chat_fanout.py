"""Chat fan-out and persistence benchmark (PORTAL.md section 8), with references in the same run.

1. Fan-out: 200 WebSocket clients in one room through daphne + Redis; delivery latency
   p50/p99 (paced sends) and throughput (a burst), against a bare `websockets` broadcast
   server in its own process with the same clients and frame size.
2. Persisted + delivered messages per second in a 50-member room, against a bare
   INSERT+COMMIT loop on the same database.

Both channels_redis layers (RedisChannelLayer, RedisPubSubChannelLayer) are measured.
Needs DATABASE_URL (migrated) and REDIS_URL; only 127.0.0.1; every loop is bounded.

    DATABASE_URL=postgres://…/db REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/chat_fanout.py [--clients 200] [--members 50]
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

# Latency is measured below saturation, at 4 messages per second into the room (already a
# very busy room: 800 deliveries per second); throughput is measured by the burst.
PACED_MESSAGES = 40
PACE_SECONDS = 0.25
BURST_MESSAGES = 100
PERSIST_MESSAGES = 400
SENDERS = 4
TIMEOUT = 60


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- the bare reference server ---------------------------------------------------------------


def run_bare_server(port: int) -> None:
    import websockets
    from websockets.asyncio.server import broadcast, serve

    clients = set()

    async def handler(socket):
        clients.add(socket)
        await socket.send(json.dumps({"type": "hello", "user": 1}))
        try:
            async for text in socket:
                broadcast(clients, text)
        except websockets.ConnectionClosed:
            pass
        finally:
            clients.discard(socket)

    async def main():
        async with serve(handler, "127.0.0.1", port, max_size=2**20):
            await asyncio.Future()

    asyncio.run(main())


# --- clients -----------------------------------------------------------------------------------


class Receivers:
    """N sockets that timestamp every message frame by its client id."""

    def __init__(self):
        self.sockets = []
        self.arrivals: dict[str, list[float]] = {}
        self.tasks = []
        self.frame_bytes = 0

    async def open(self, url, headers_list):
        import websockets

        async def one(headers):
            socket = await websockets.connect(
                url, additional_headers=headers, open_timeout=20, max_size=2**20
            )
            json.loads(await asyncio.wait_for(socket.recv(), 20))  # hello
            return socket

        for start in range(0, len(headers_list), 25):
            batch = headers_list[start : start + 25]
            self.sockets += await asyncio.gather(*(one(h) for h in batch))
        self.tasks = [asyncio.create_task(self._read(s)) for s in self.sockets]

    async def _read(self, socket):
        import websockets

        try:
            async for text in socket:
                now = time.perf_counter()
                frame = json.loads(text)
                if frame.get("type") == "message":
                    self.frame_bytes = len(text)
                    self.arrivals.setdefault(frame["client_id"], []).append(now)
        except websockets.ConnectionClosed:
            pass

    async def wait_for(self, client_ids, count):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if all(len(self.arrivals.get(c, ())) >= count for c in client_ids):
                return True
            await asyncio.sleep(0.01)
        return False

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


def frame_for(room_id, client_id, text):
    return json.dumps({"type": "send", "room": room_id, "client_id": client_id, "text": text})


async def fanout(url, headers_list, sender_index, room_id, pad_to=None, make_frame=frame_for):
    """Latency (paced) and throughput (burst) of one sender to len(headers_list) clients."""
    receivers = Receivers()
    await receivers.open(url, headers_list)
    sender = receivers.sockets[sender_index]
    sent: dict[str, float] = {}
    text = "Benchmark-Nachricht " + "x" * 40
    if pad_to:
        text = text + "y" * max(0, pad_to - len(make_frame(room_id, "c" * 32, text)))

    for _ in range(PACED_MESSAGES):
        client_id = uuid.uuid4().hex
        sent[client_id] = time.perf_counter()
        await sender.send(make_frame(room_id, client_id, text))
        await asyncio.sleep(PACE_SECONDS)
    complete = await receivers.wait_for(list(sent), len(headers_list))
    latencies = [
        (arrival - sent[client_id]) * 1000
        for client_id in sent
        for arrival in receivers.arrivals.get(client_id, [])
    ]

    burst = [uuid.uuid4().hex for _ in range(BURST_MESSAGES)]
    start = time.perf_counter()
    for client_id in burst:
        await sender.send(make_frame(room_id, client_id, text))
    complete = await receivers.wait_for(burst, len(headers_list)) and complete
    last = max(max(receivers.arrivals.get(c, [start])) for c in burst)
    deliveries = sum(len(receivers.arrivals.get(c, ())) for c in burst)
    throughput = deliveries / (last - start)
    size = receivers.frame_bytes
    await receivers.close()
    return {
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "throughput": throughput,
        "complete": complete,
        "frame_bytes": size,
    }


async def persist_and_deliver(url, headers_list, room_id, senders):
    receivers = Receivers()
    await receivers.open(url, headers_list)
    ids = [uuid.uuid4().hex for _ in range(PERSIST_MESSAGES)]
    start = time.perf_counter()

    async def send_share(socket, share):
        for client_id in share:
            await socket.send(frame_for(room_id, client_id, "Persistenztest " + client_id[:8]))

    await asyncio.gather(
        *(send_share(receivers.sockets[i], ids[i::senders]) for i in range(senders))
    )
    complete = await receivers.wait_for(ids, len(headers_list))
    last = max(max(receivers.arrivals.get(c, [start])) for c in ids)
    await receivers.close()
    return {"rate": PERSIST_MESSAGES / (last - start), "complete": complete}


# --- setup ---------------------------------------------------------------------------------------


def prepare(clients: int, members: int):
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from chat.models import Message, Room
    from chat.services import MEMBER_PERMS, _grant

    User = get_user_model()
    users = []
    for index in range(clients):
        user, _created = User.objects.get_or_create(username=f"bench-chat-{index:04d}")
        users.append(user)
    rooms = {}
    for name, size in (("Bench Fan-out", clients), ("Bench Persistenz", members)):
        group, _created = Group.objects.get_or_create(name=f"{name} (Benchmark)")
        group.user_set.set(users[:size])
        room, _created = Room.objects.get_or_create(
            kind=Room.Kind.CROSS_OFFICE, name=name, defaults={"topic": "Benchmark"}
        )
        _grant(MEMBER_PERMS, group, room)
        Message.objects.filter(room=room).delete()
        rooms[name] = room
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return rooms["Bench Fan-out"].pk, rooms["Bench Persistenz"].pk, cookies


INSERT_REFERENCE = (
    "INSERT INTO bench_insert_reference (room_id, seq, client_id, text, html, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)


def insert_commit_rate() -> float:
    """The reference: one INSERT and one COMMIT per message, on the same database."""
    from django.db import connection
    from django.utils import timezone

    table = "bench_insert_reference"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, room_id BIGINT, seq BIGINT, "
            "client_id VARCHAR(64), text TEXT, html TEXT, created_at TIMESTAMPTZ)"
            if connection.vendor == "postgresql"
            else f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, room_id BIGINT, seq BIGINT, "
            "client_id VARCHAR(64), text TEXT, html TEXT, created_at TEXT)"
        )
    start = time.perf_counter()
    for index in range(PERSIST_MESSAGES):
        with connection.cursor() as cursor:  # autocommit: each INSERT commits
            cursor.execute(
                INSERT_REFERENCE,
                [
                    1,
                    index,
                    uuid.uuid4().hex,
                    "Persistenztest",
                    "<p>Persistenztest</p>",
                    timezone.now(),
                ],
            )
    rate = PERSIST_MESSAGES / (time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    return rate


def cleanup(cookies):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.models import Session

    from chat.models import Room

    Session.objects.filter(session_key__in=[c.split("=", 1)[1] for c in cookies]).delete()

    Room.objects.filter(name__in=["Bench Fan-out", "Bench Persistenz"], topic="Benchmark").delete()
    Group.objects.filter(name__endswith="(Benchmark)").delete()
    get_user_model().objects.filter(username__startswith="bench-chat-").delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        run_bare_server(args.bare_server)
        return
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL fehlt: der Benchmark misst den Weg über Redis.")

    fanout_room, persist_room, cookies = prepare(args.clients, args.members)
    from tests.support.server import DaphneServer, free_port

    results = {}
    for layer in ("core", "pubsub"):
        server = DaphneServer(
            extra_env={
                "CHANNEL_LAYER": layer,
                "CHANNEL_LAYER_PREFIX": f"bench-{uuid.uuid4().hex[:6]}",
                "CHAT_SEND_RATE": "100000",
                # Persistent connections, as in production (README: CONN_MAX_AGE).
                "CONN_MAX_AGE": "60",
                "DJANGO_SETTINGS_MODULE": "intranet.settings",
            }
        )
        server.start()
        try:
            origin = {"Origin": server.url}
            headers = [{**origin, "Cookie": cookie} for cookie in cookies]
            url = f"{server.ws_url}/ws/"
            fan = asyncio.run(fanout(url, headers[: args.clients], 0, fanout_room))
            persist = asyncio.run(
                persist_and_deliver(url, headers[: args.members], persist_room, SENDERS)
            )
        except Exception:
            print(server.output(), file=sys.stderr)
            raise
        finally:
            server.stop()
        results[layer] = (fan, persist)

    # The bare websockets server, in its own process like daphne, same clients and frame size.
    port = free_port()
    bare = subprocess.Popen([sys.executable, __file__, "--bare-server", str(port)], cwd=ROOT)
    try:
        time.sleep(1.0)
        frame_bytes = results["core"][0]["frame_bytes"]

        def bare_frame(room_id, client_id, text):
            return json.dumps(
                {"type": "message", "room": room_id, "client_id": client_id, "text": text}
            )

        # Pad the bare frame to the size of the frame daphne delivers (a full message).
        reference = asyncio.run(
            fanout(
                f"ws://127.0.0.1:{port}/",
                [{}] * args.clients,
                0,
                fanout_room,
                pad_to=frame_bytes,
                make_frame=bare_frame,
            )
        )
    finally:
        bare.terminate()
        bare.wait(10)
    insert_rate = insert_commit_rate()
    cleanup(cookies)

    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"Fan-out to {args.clients} clients (paced p50/p99 in ms, burst deliveries/s)")
    print(
        f"  bare websockets : p50 {reference['p50']:7.2f}  p99 {reference['p99']:7.2f}  "
        f"{reference['throughput']:9.0f}/s  complete={reference['complete']}"
    )
    for layer, (fan, _persist) in results.items():
        print(
            f"  daphne {layer:<8} : p50 {fan['p50']:7.2f}  p99 {fan['p99']:7.2f}  "
            f"{fan['throughput']:9.0f}/s  complete={fan['complete']}  "
            f"p99 ratio {fan['p99'] / reference['p99']:5.2f}x (target ≤ 5x and ≤ 50 ms)  "
            f"throughput ratio {fan['throughput'] / reference['throughput']:5.2f}"
        )
    print(f"Persisted + delivered, {args.members}-member room, {PERSIST_MESSAGES} messages")
    print(f"  bare INSERT+COMMIT : {insert_rate:8.0f} msgs/s")
    for layer, (_fan, persist) in results.items():
        print(
            f"  daphne {layer:<8}   : {persist['rate']:8.0f} msgs/s  "
            f"ratio {persist['rate'] / insert_rate:5.2f} (target ≥ 0.5)  "
            f"complete={persist['complete']}"
        )


if __name__ == "__main__":
    main()
