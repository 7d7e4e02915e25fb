"""Chat fan-out and persistence through nginx + one daphne + Redis (PORTAL.md section 8),
each against its reference in the same run.

1. Fan-out: 200 WebSocket clients in one room; delivery latency p50/p99 from send to
   receipt (paced sends, below saturation) and throughput (a burst), against a bare
   `websockets` broadcast server in its own process with the same clients and frame size.
   Target: p99 ≤ 5× the reference p99, and ≤ 50 ms.
2. Persisted + delivered messages per second in a 50-member room (4 senders), counted when
   every member has the message, against a bare INSERT+COMMIT loop on the same database.
   Target: ≥ 50 % of the reference.

Every delivery is counted per socket: a message that a client never got (or got twice)
fails the benchmark's check, whatever the timing. The portal's layer is
RedisPubSubChannelLayer (`CHANNEL_LAYER=pubsub`, the default); RedisChannelLayer (`core`)
runs in the same invocation as a comparison (`BENCH_CHAT_LAYERS=pubsub` skips it).
`bench/chat_fanout_cluster.py` spreads the clients over two daphne processes.

    python -m bench.chat_fanout     # BENCH_CHAT_CLIENTS, BENCH_CHAT_MEMBERS, BENCH_QUICK

Only 127.0.0.1; every loop is bounded (fixed message counts, TIMEOUT per wait).
"""

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid

from bench.cluster import Cluster, free_port
from bench.common import (
    PYTHON,
    ROOT,
    database_prepare,
    django_setup,
    percentile,
    portal_environment,
    report,
    session_cookies_for,
    size,
)

# Latency is measured below saturation, at 4 messages per second into the room (already a
# very busy room: 800 deliveries per second); throughput is measured by the burst.
PACED_MESSAGES = size("BENCH_CHAT_PACED", 40, 15)
PACE_SECONDS = 0.25
BURST_MESSAGES = size("BENCH_CHAT_BURST", 100, 30)
PERSIST_MESSAGES = size("BENCH_CHAT_PERSIST", 400, 100)
SENDERS = 4
TIMEOUT = 60
TARGET_RATIO, TARGET_MS, TARGET_SHARE = 5.0, 50.0, 0.5
FANOUT_ROOM, PERSIST_ROOM = "Bench Fan-out", "Bench Persistenz"


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
            print("ready", flush=True)
            await asyncio.Future()

    asyncio.run(main())


class BareServer:
    """The reference in its own process, like daphne."""

    def __enter__(self) -> "BareServer":
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.chat_fanout", "--bare-server", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.process.stdout.readline()  # "ready"
        self.url = f"ws://127.0.0.1:{self.port}/"
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(10)


def bare_frame(room_id, client_id, text):
    return json.dumps({"type": "message", "room": room_id, "client_id": client_id, "text": text})


# --- clients -----------------------------------------------------------------------------------


class Receivers:
    """N sockets that timestamp every message frame, per message and per socket."""

    def __init__(self):
        self.sockets = []
        self.arrivals: dict[str, dict[int, float]] = {}
        self.duplicates = 0
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
        self.tasks = [
            asyncio.create_task(self._read(index, socket))
            for index, socket in enumerate(self.sockets)
        ]

    async def _read(self, index, socket):
        import websockets

        try:
            async for text in socket:
                now = time.perf_counter()
                frame = json.loads(text)
                if frame.get("type") == "message":
                    self.frame_bytes = len(text)
                    seen = self.arrivals.setdefault(frame["client_id"], {})
                    if index in seen:
                        self.duplicates += 1
                    else:
                        seen[index] = now
        except websockets.ConnectionClosed:
            pass

    def missing(self, client_ids) -> int:
        """Deliveries that have not arrived: (message, socket) pairs."""
        return sum(len(self.sockets) - len(self.arrivals.get(c, ())) for c in client_ids)

    async def wait_for(self, client_ids) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if not self.missing(client_ids):
                return
            await asyncio.sleep(0.01)

    def last_arrival(self, client_ids, default: float) -> float:
        return max(
            (max(self.arrivals[c].values()) for c in client_ids if self.arrivals.get(c)),
            default=default,
        )

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


def frame_for(room_id, client_id, text):
    return json.dumps({"type": "send", "room": room_id, "client_id": client_id, "text": text})


async def fanout(
    url, headers_list, room_id, *, pad_to=None, make_frame=frame_for, while_open=None
) -> dict:
    """Latency (paced) and throughput (burst) of one sender to len(headers_list) clients.
    `while_open()` is called once all sockets are open (e.g. to see where they landed)."""
    receivers = Receivers()
    await receivers.open(url, headers_list)
    placement = while_open() if while_open else None
    sender = receivers.sockets[0]
    sent: dict[str, float] = {}
    text = "Benchmark-Nachricht " + "x" * 40
    if pad_to:
        text = text + "y" * max(0, pad_to - len(make_frame(room_id, "c" * 32, text)))

    for _ in range(PACED_MESSAGES):
        client_id = uuid.uuid4().hex
        sent[client_id] = time.perf_counter()
        await sender.send(make_frame(room_id, client_id, text))
        await asyncio.sleep(PACE_SECONDS)
    await receivers.wait_for(list(sent))
    latencies = [
        (arrival - sent[client_id]) * 1000
        for client_id in sent
        for arrival in receivers.arrivals.get(client_id, {}).values()
    ]
    missing = receivers.missing(list(sent))

    burst = [uuid.uuid4().hex for _ in range(BURST_MESSAGES)]
    start = time.perf_counter()
    for client_id in burst:
        await sender.send(make_frame(room_id, client_id, text))
    await receivers.wait_for(burst)
    missing += receivers.missing(burst)
    deliveries = sum(len(receivers.arrivals.get(c, ())) for c in burst)
    throughput = deliveries / (receivers.last_arrival(burst, start) - start or float("nan"))
    result = {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "throughput": throughput,
        "missing": missing,
        "duplicates": receivers.duplicates,
        "expected": (PACED_MESSAGES + BURST_MESSAGES) * len(receivers.sockets),
        "frame_bytes": receivers.frame_bytes,
        "placement": placement,
    }
    await receivers.close()
    return result


async def persist_and_deliver(url, headers_list, room_id, senders) -> dict:
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
    await receivers.wait_for(ids)
    last = receivers.last_arrival(ids, start)
    result = {
        "rate": PERSIST_MESSAGES / (last - start or float("nan")),
        "missing": receivers.missing(ids),
        "duplicates": receivers.duplicates,
        "expected": PERSIST_MESSAGES * len(receivers.sockets),
    }
    await receivers.close()
    return result


def delivery_note(row: dict) -> str:
    if not row["missing"] and not row["duplicates"]:
        return f"all {row['expected']:,} deliveries arrived once"
    return (
        f"{row['missing']:,} of {row['expected']:,} deliveries MISSING, "
        f"{row['duplicates']:,} duplicated"
    )


def delivered_all(row: dict) -> bool:
    return not row["missing"] and not row["duplicates"]


# --- setup ---------------------------------------------------------------------------------------


def chat_environment(layer: str = "pubsub") -> dict[str, str]:
    return portal_environment(
        CHANNEL_LAYER=layer,
        CHANNEL_LAYER_PREFIX=f"bench-{uuid.uuid4().hex[:6]}",
        # The per-person send limit (S5) would throttle the benchmark's senders.
        CHAT_SEND_RATE="100000",
        # Pooled connections, as in production (docs/operations.md).
        DATABASE_POOL_SIZE="8",
    )


def prepare(clients: int, members: int):
    """Benchmark users, a fan-out room with all of them, a persistence room with `members`,
    and a logged-in session per user. Idempotent; old benchmark messages are removed."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from chat.models import Message, Room
    from chat.services import MEMBER_PERMS, _grant

    User = get_user_model()
    users = []
    for index in range(clients):
        user, _created = User.objects.get_or_create(username=f"bench-chat-{index:04d}")
        users.append(user)
    rooms = {}
    for name, count in ((FANOUT_ROOM, clients), (PERSIST_ROOM, members)):
        group, _created = Group.objects.get_or_create(name=f"{name} (Benchmark)")
        group.user_set.set(users[:count])
        room, _created = Room.objects.get_or_create(
            kind=Room.Kind.CROSS_OFFICE, name=name, defaults={"topic": "Benchmark"}
        )
        _grant(MEMBER_PERMS, group, room)
        Message.objects.filter(room=room).delete()
        rooms[name] = room
    return rooms[FANOUT_ROOM].pk, rooms[PERSIST_ROOM].pk, session_cookies_for(users)


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
    Room.objects.filter(name__in=[FANOUT_ROOM, PERSIST_ROOM], topic="Benchmark").delete()
    Group.objects.filter(name__endswith="(Benchmark)").delete()
    get_user_model().objects.filter(username__startswith="bench-chat-").delete()


def setup(clients: int, members: int):
    """Database, Django in this process, users, rooms and sessions."""
    env = chat_environment()
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("The reference is PostgreSQL: BENCH_DATABASE_URL must be postgres.")
    database_prepare(env)
    django_setup(env)
    return prepare(clients, members)


def reference_fanout(clients: int, room_id: int, frame_bytes: int) -> dict:
    """The bare server with the same number of clients, frames padded to daphne's size."""
    with BareServer() as bare:
        return asyncio.run(
            fanout(bare.url, [{}] * clients, room_id, pad_to=frame_bytes, make_frame=bare_frame)
        )


def print_fanout(label: str, row: dict) -> None:
    print(
        f"  {label:<26}: p50 {row['p50']:7.2f}  p99 {row['p99']:7.2f} ms  "
        f"{row['throughput']:9.0f} deliveries/s  {delivery_note(row)}"
    )


def report_fanout(
    fan: dict, reference: dict, *, setup: str, burst_setup: str | None, judged: bool, note=""
) -> None:
    """The fan-out's p99 against the bare server's (judged against PORTAL.md's target, or
    a comparison row), and, if `burst_setup` is given, its burst throughput."""
    ratio = fan["p99"] / reference["p99"]
    report(
        name=f"chat fan-out p99, {setup}",
        value=fan["p99"],
        unit="ms",
        reference=reference["p99"],
        ratio=ratio,
        target=f"≤ {TARGET_RATIO:.0f}× and ≤ {TARGET_MS:.0f} ms"
        if judged
        else "(comparison: CHANNEL_LAYER=core)",
        met=(ratio <= TARGET_RATIO and fan["p99"] <= TARGET_MS and delivered_all(fan))
        if judged
        else None,
        note=f"p50 {fan['p50']:.1f} vs {reference['p50']:.1f} ms; {note}{delivery_note(fan)}",
    )
    if burst_setup:
        report(
            name=f"chat fan-out burst throughput, {burst_setup}",
            value=fan["throughput"],
            unit="deliveries/s",
            reference=reference["throughput"],
            ratio=fan["throughput"] / reference["throughput"],
            target="(reported)",
            met=None,
            note=f"burst of {BURST_MESSAGES} messages",
        )


def main():
    if "--bare-server" in sys.argv:
        run_bare_server(int(sys.argv[sys.argv.index("--bare-server") + 1]))
        return
    clients = size("BENCH_CHAT_CLIENTS", 200, 200)
    members = size("BENCH_CHAT_MEMBERS", 50, 50)
    layers = os.environ.get("BENCH_CHAT_LAYERS", "pubsub,core").split(",")
    fanout_room, persist_room, cookies = setup(clients, members)

    results = {}
    for layer in layers:
        with Cluster(daphne_count=1, env=chat_environment(layer), prepare=False) as cluster:
            headers = [{"Origin": cluster.url, "Cookie": cookie} for cookie in cookies]
            url = f"{cluster.ws_url}/ws/"
            fan = asyncio.run(fanout(url, headers[:clients], fanout_room))
            persist = asyncio.run(
                persist_and_deliver(url, headers[:members], persist_room, SENDERS)
            )
        results[layer] = (fan, persist)

    frame_bytes = next(iter(results.values()))[0]["frame_bytes"]
    reference = reference_fanout(clients, fanout_room, frame_bytes)
    insert_rate = insert_commit_rate()
    cleanup(cookies)

    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"Fan-out to {clients} clients, {frame_bytes}-byte frames")
    print_fanout("bare websockets", reference)
    for layer, (fan, _persist) in results.items():
        print_fanout(f"nginx + daphne, {layer}", fan)
    print(f"Persisted + delivered, {members}-member room, {PERSIST_MESSAGES} messages")
    print(f"  bare INSERT+COMMIT        : {insert_rate:8.0f} msgs/s")
    for layer, (_fan, persist) in results.items():
        print(
            f"  nginx + daphne, {layer:<9} : {persist['rate']:8.0f} msgs/s  "
            f"{delivery_note(persist)}"
        )
    if not delivered_all(reference):
        sys.exit("The bare reference server lost deliveries – measurement invalid.")

    for layer, (fan, persist) in results.items():
        portal = layer == "pubsub"  # the portal's setting; core is the comparison
        report_fanout(
            fan,
            reference,
            setup=f"{clients} clients, nginx + 1 daphne, {layer}",
            burst_setup=f"{clients} clients, {layer}" if portal else None,
            judged=portal,
        )
        share = persist["rate"] / insert_rate
        report(
            name=f"chat persisted + delivered, {members}-member room, {layer}",
            value=persist["rate"],
            unit="msgs/s",
            reference=insert_rate,
            ratio=share,
            target=f"≥ {TARGET_SHARE:.0%} of INSERT+COMMIT"
            if portal
            else "(comparison: CHANNEL_LAYER=core)",
            met=(share >= TARGET_SHARE and delivered_all(persist)) if portal else None,
            note=delivery_note(persist),
        )
    if not all(delivered_all(fan) and delivered_all(persist) for fan, persist in results.values()):
        sys.exit("Deliveries were lost or duplicated (see above).")


if __name__ == "__main__":
    main()
