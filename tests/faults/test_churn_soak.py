"""Churn soak on the real stack: people connect through the proxy, send one message, get its
ack and leave, over and over, while monitoring asks /healthz. Afterwards every send has its
ack and its row, the daphne processes' memory and the channel layer's state in Redis have
not grown with the number of connections, and the portal still answers.

The length is PORTAL_SOAK_SECONDS (default 90); memory and counts are printed.
"""

import asyncio
import json
import os
import time

import pytest
import redis
import websockets

from bench.cluster import Cluster
from bench.common import rss_kib
from tests.faults.conftest import health
from tests.support.factories import PersonFactory
from tests.support.server import login_cookie

pytestmark = pytest.mark.cluster

SOAK_SECONDS = float(os.environ.get("PORTAL_SOAK_SECONDS", "90"))
WARM_UP_SECONDS = min(15.0, max(5.0, SOAK_SECONDS / 6))
WORKERS = 8
# A daphne process starts at ~140 MiB. A 90 s soak makes 1,400–2,300 connections here; a
# leak of 30 KiB per connection (less than one consumer with its scope and session, its
# queue or its subscription left behind) would exceed this, while allocator noise and
# caches filled after the warm-up stay well below it (+4 to +5 MiB measured). The limit is
# memory, never time.
GROWTH_LIMIT_KIB = 40 * 1024


class Counts:
    def __init__(self):
        self.connects = 0
        self.sends = 0
        self.acks = 0
        self.health_checks = 0


async def person_comes_and_goes(url, origin, cookie, room_id, worker, until, counts):
    phase = id(counts)  # each churn counts apart, and its client ids are new
    number = 0
    while time.monotonic() < until:
        number += 1
        async with websockets.connect(
            url, additional_headers={"Origin": origin, "Cookie": cookie}, open_timeout=10
        ) as socket:
            counts.connects += 1
            async with asyncio.timeout(10):  # a guard against "never", not a measurement
                assert json.loads(await socket.recv())["type"] == "hello"
                client_id = f"soak-{phase:x}-{worker:02d}-{number:06d}"
                await socket.send(
                    json.dumps(
                        {"type": "send", "room": room_id, "client_id": client_id, "text": "Hallo"}
                    )
                )
                counts.sends += 1
                while True:
                    frame = json.loads(await socket.recv())
                    assert frame["type"] != "error", frame
                    if frame["type"] == "ack" and frame["client_id"] == client_id:
                        assert frame["duplicate"] is False
                        counts.acks += 1
                        break


async def monitoring(url, until, counts):
    """The proxy's or the monitoring's health checks, which also run all day long."""
    while time.monotonic() < until:
        status, _body = await asyncio.to_thread(health, url)
        assert status == 200
        counts.health_checks += 1
        await asyncio.sleep(0.25)


def churn(cluster, cookies, room_id, seconds, counts) -> None:
    until = time.monotonic() + seconds

    async def run():
        await asyncio.gather(
            monitoring(cluster.url, until, counts),
            *(
                person_comes_and_goes(
                    f"{cluster.ws_url}/ws/",
                    cluster.url,
                    cookies[worker % len(cookies)],
                    room_id,
                    worker,
                    until,
                    counts,
                )
                for worker in range(WORKERS)
            ),
        )

    asyncio.run(run())


def layer_state(client: redis.Redis) -> dict:
    """What the channel layer keeps in Redis: pub/sub subscriptions (pubsub layer), keys
    (core layer: channel queues and group sets; cache: sessions, send-rate counters)."""
    return {"subscriptions": len(client.pubsub_channels()), "keys": client.dbsize()}


def test_churn_soak_keeps_memory_and_redis_bounded(
    capsys, cluster_environment, private_redis, room_32, person_in_32
):
    people = [person_in_32, *(PersonFactory(unit=person_in_32.unit) for _ in range(3))]
    cookies = [login_cookie(person.user) for person in people]
    layer = os.environ.get("PORTAL_SOAK_LAYER", "pubsub")
    environment = {
        **cluster_environment,
        "REDIS_URL": private_redis.url,
        "CHANNEL_LAYER": layer,
        "CHAT_SEND_RATE": "1000000",
    }
    state = redis.Redis.from_url(private_redis.url)
    warm_up, soak = Counts(), Counts()
    with Cluster(daphne_count=2, env=environment, prepare=False) as cluster:
        pids = cluster.daphne_pids()
        churn(cluster, cookies, room_32.pk, WARM_UP_SECONDS, warm_up)
        memory_before = {port: rss_kib(pid) for port, pid in pids.items()}
        redis_before = layer_state(state)
        churn(cluster, cookies, room_32.pk, SOAK_SECONDS, soak)
        # Closed sockets leave their groups a moment after the client is gone.
        deadline = time.monotonic() + 10
        while layer_state(state)["subscriptions"] > redis_before["subscriptions"]:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        memory_after = {port: rss_kib(pid) for port, pid in pids.items()}
        redis_after = layer_state(state)
        # The portal still answers: a page request's health check and a chat round trip.
        assert health(cluster.url)[0] == 200
        answer = Counts()
        churn(cluster, cookies[:1], room_32.pk, 0.1, answer)
        assert answer.acks >= 1

    from chat.models import Message

    stored = Message.objects.filter(room=room_32).count()
    with capsys.disabled():
        print(
            f"\nchurn soak ({layer} layer, {WORKERS} workers, {SOAK_SECONDS:.0f} s after "
            f"{WARM_UP_SECONDS:.0f} s warm-up): {soak.connects} connects, {soak.acks} acks, "
            f"{soak.health_checks} health checks ({soak.connects / SOAK_SECONDS:.1f} connects/s)"
        )
        for port in pids:
            print(
                f"  daphne :{port} RSS {memory_before[port] / 1024:.1f} MiB -> "
                f"{memory_after[port] / 1024:.1f} MiB "
                f"({(memory_after[port] - memory_before[port]) / 1024:+.1f} MiB)"
            )
        print(f"  Redis {redis_before} -> {redis_after}; {stored} messages stored")

    total = warm_up.acks + soak.acks + answer.acks
    assert soak.sends == soak.acks and warm_up.sends == warm_up.acks  # every send got its ack
    assert stored == total  # and each ack is exactly one row
    assert soak.connects > 100, "the soak hardly ran; the figures would mean nothing"
    for port in pids:
        assert memory_after[port] - memory_before[port] < GROWTH_LIMIT_KIB, port
    # Bounded, not proportional to the thousands of connections and health checks: the
    # idle processes hold their own few subscriptions, the cache a key per person and window.
    assert redis_after["subscriptions"] <= redis_before["subscriptions"] + 2 * len(pids)
    assert redis_after["keys"] <= redis_before["keys"] + 3 * len(people)
