"""A chat stream while a service fails, on the real stack (nginx, two daphne processes,
PostgreSQL, Redis): what the people in the room see afterwards. Faults are injected only
into services the test owns (a private Redis, a TCP proxy in front of PostgreSQL).

Every test ends with the same check (tests.support.chat_client.assert_delivered_once): the
database holds each client id once and every one that was sent, and every receiver shows
each stored message once, with its text, in seq order.
"""

import asyncio
from collections import Counter

import pytest

from bench.cluster import Cluster
from tests.faults.conftest import database_host_port, wait_for_health
from tests.support.chat_client import ChatClient, assert_delivered_once
from tests.support.factories import PersonFactory
from tests.support.faults import TcpProxy
from tests.support.server import login_cookie

pytestmark = pytest.mark.cluster

MESSAGES = 40
FAULT_AFTER = 12  # acknowledged messages before the fault: the stream is well under way


def chat_client(cluster: Cluster, cookie: str, room_id: int, name: str) -> ChatClient:
    return ChatClient(
        url=f"{cluster.ws_url}/ws/", origin=cluster.url, cookie=cookie, room=room_id, name=name
    )


async def stream(sender: ChatClient, *, prefix: str, count: int, fault=None, pace=0.05):
    """Type `count` messages one after another, as a person would, whether or not the socket
    is up (chat.js keeps them in its outbox). The fault starts once FAULT_AFTER of them are
    acknowledged and runs while the stream goes on."""
    sent: set[str] = set()
    task = None
    for index in range(1, count + 1):
        client_id = f"{prefix}-{index:04d}"
        sender.send_text(client_id, f"{prefix} Nachricht {index}")
        sent.add(client_id)
        if fault is not None and task is None and len(sender.acks) >= FAULT_AFTER:
            task = asyncio.create_task(fault())
        await asyncio.sleep(pace)
    if fault is not None:
        assert task is not None, f"the fault never started: {sender.summary()} {sender.errors[:3]}"
        await task
    await sender.wait_for(lambda: not sender.outbox, 60, "got an ack for every message")
    return sent


def report(capsys, title: str, clients: list[ChatClient], rows: list) -> None:
    with capsys.disabled():
        print(f"\n{title}: {len(rows)} messages stored")
        for c in clients:
            print(
                f"  {c.name}: connects={c.connects} frames={len(c.frames)} "
                f"repeated={len(c.frames) - c.shows} acks={len(c.acks)} "
                f"errors={dict(Counter(e['code'] for e in c.errors))}"
            )


@pytest.mark.parametrize("layer", ["pubsub", "core"])
def test_redis_restart_during_a_chat_stream(
    layer, capsys, cluster_environment, private_redis, room_32, person_in_32, colleague_in_32
):
    environment = {
        **cluster_environment,
        "REDIS_URL": private_redis.url,
        "CHANNEL_LAYER": layer,
        "CHAT_SEND_RATE": "10000",
    }
    cookies = login_cookie(person_in_32.user), login_cookie(colleague_in_32.user)

    async def scenario(cluster):
        # One after the other through the proxy: round robin puts them on different daphnes.
        sender = await chat_client(cluster, cookies[0], room_32.pk, "sender").start()
        receiver = await chat_client(cluster, cookies[1], room_32.pk, "receiver").start()

        async def restart():
            await asyncio.to_thread(private_redis.stop)
            await asyncio.sleep(1.5)
            await asyncio.to_thread(private_redis.start)

        sent = await stream(sender, prefix=f"redis-{layer}", count=MESSAGES, fault=restart)
        for c in (sender, receiver):
            await c.wait_for(lambda c=c: len(c.shown) >= MESSAGES, 30, "showed all")
        await sender.stop()
        await receiver.stop()
        return sent, sender, receiver

    with Cluster(daphne_count=2, env=environment, prepare=False) as cluster:
        sent, sender, receiver = asyncio.run(scenario(cluster))
    rows = assert_delivered_once(
        receivers=[receiver, sender], senders=[sender], sent=sent, room_id=room_32.pk
    )
    report(capsys, f"Redis restart ({layer})", [sender, receiver], rows)
    if layer == "pubsub":
        # A socket only waits on its process's own queue; redis-py subscribes again after the
        # restart. So both sockets stay open, and sends while Redis was down were refused
        # (the send rate lives in Redis) and sent again.
        assert (sender.connects, receiver.connects) == (1, 1)
        assert {e["code"] for e in sender.errors} == {"unavailable"}
    else:
        # The core layer keeps group memberships in Redis, and a restart loses them: a socket
        # that survived would hear nothing more. Its blocking read fails instead, the socket
        # closes and the reconnect joins the groups again.
        assert receiver.connects > 1


@pytest.mark.parametrize(
    "connections",
    [
        # The production setting (docs/operations.md): a pool whose connections the cut
        # kills; each is checked before it is lent again.
        {"DATABASE_POOL_SIZE": "4"},
        # Persistent connections, which the cut breaks under the daphne's database thread;
        # they must be replaced, not reused.
        {"CONN_MAX_AGE": "60"},
    ],
    ids=["pool", "persistent"],
)
def test_database_outage_during_a_chat_stream(
    connections, capsys, cluster_environment, private_redis, room_32, person_in_32, colleague_in_32
):
    proxy = TcpProxy(*database_host_port()).start()
    host_port = "{}:{}".format(*database_host_port())
    environment = {
        **cluster_environment,
        "DATABASE_URL": cluster_environment["DATABASE_URL"].replace(
            host_port, f"127.0.0.1:{proxy.port}"
        ),
        "REDIS_URL": private_redis.url,
        **connections,
        "CHAT_SEND_RATE": "10000",
    }
    cookies = login_cookie(person_in_32.user), login_cookie(colleague_in_32.user)
    health_seen = []

    async def scenario(cluster):
        sender = await chat_client(cluster, cookies[0], room_32.pk, "sender").start()
        receiver = await chat_client(cluster, cookies[1], room_32.pk, "receiver").start()

        async def outage():
            await asyncio.to_thread(proxy.cut)
            health_seen.append(await asyncio.to_thread(wait_for_health, cluster.url, 503))
            # Keep it down until a send was refused, so the test sees the refusal.
            await sender.wait_for(
                lambda: any(e["code"] == "unavailable" for e in sender.errors), 20, "refused"
            )
            await asyncio.sleep(1)
            await asyncio.to_thread(proxy.restore)
            health_seen.append(await asyncio.to_thread(wait_for_health, cluster.url, 200))

        sent = await stream(sender, prefix="pg-outage", count=MESSAGES, fault=outage)
        for c in (sender, receiver):
            await c.wait_for(lambda c=c: len(c.shown) >= MESSAGES, 30, "showed all")
        sender.ping()
        await sender.wait_for(lambda: sender.connects == 1 and sender.closes == 0, 5, "kept")
        await sender.stop()
        await receiver.stop()
        return sent, sender, receiver

    try:
        with Cluster(daphne_count=2, env=environment, prepare=False) as cluster:
            sent, sender, receiver = asyncio.run(scenario(cluster))
    finally:
        proxy.stop()
    rows = assert_delivered_once(
        receivers=[receiver, sender], senders=[sender], sent=sent, room_id=room_32.pk
    )
    report(capsys, f"PostgreSQL outage ({connections})", [sender, receiver], rows)
    assert health_seen[0] == {
        "status": "degraded",
        "database": "unreachable",
        "channel_layer": "ok",
    }
    assert health_seen[1]["status"] == "ok"
    # Nobody's socket closed: the refused sends were answered, not dropped with the socket.
    assert (sender.connects, sender.closes) == (1, 0)
    assert (receiver.connects, receiver.closes) == (1, 0)
    refused = [e for e in sender.errors if e["code"] == "unavailable"]
    assert refused and all(e["ref"] in sent for e in refused)
    assert refused[0]["message"] == (
        "Der Chat ist gerade nicht erreichbar. Die Nachricht wird erneut gesendet."
    )
    # Each refused send was acknowledged only later, after the client sent it again.
    assert {e["ref"] for e in refused} <= sender.acked_after_error
    assert {e["code"] for e in sender.errors} == {"unavailable"}


def test_killed_daphne_during_a_chat_stream(
    capsys, cluster_environment, private_redis, room_32, person_in_32, colleague_in_32
):
    environment = {**cluster_environment, "REDIS_URL": private_redis.url, "CHAT_SEND_RATE": "10000"}
    more = [PersonFactory(unit=person_in_32.unit) for _ in range(2)]
    people = [person_in_32, colleague_in_32, *more]
    cookies = [login_cookie(person.user) for person in people]

    async def scenario(cluster):
        # Round robin through the proxy: sender A and receiver B share one daphne, receiver
        # A and sender B the other, so the kill takes one sender and one receiver with it.
        names = ["sender A", "receiver A", "receiver B", "sender B"]
        clients = []
        for cookie, name in zip(cookies, names, strict=True):
            clients.append(await chat_client(cluster, cookie, room_32.pk, name).start())
        sender_a, receiver_a, receiver_b, sender_b = clients

        async def kill():
            await asyncio.to_thread(cluster.daphne_kill, cluster.daphne_ports[0])

        sent_a, sent_b = await asyncio.gather(
            stream(sender_a, prefix="kill-a", count=MESSAGES // 2, fault=kill, pace=0.1),
            stream(sender_b, prefix="kill-b", count=MESSAGES // 2, pace=0.1),
        )
        for c in clients:
            await c.wait_for(lambda c=c: len(c.shown) >= MESSAGES, 30, "showed all")
        for c in clients:
            await c.stop()
        return sent_a | sent_b, clients

    with Cluster(daphne_count=2, env=environment, prepare=False) as cluster:
        sent, clients = asyncio.run(scenario(cluster))
    senders = [c for c in clients if c.name.startswith("sender")]
    rows = assert_delivered_once(receivers=clients, senders=senders, sent=sent, room_id=room_32.pk)
    report(capsys, "daphne killed", clients, rows)
    reconnected = {c.name.split()[0] for c in clients if c.connects > 1}
    assert reconnected == {"sender", "receiver"}, [(c.name, c.connects) for c in clients]
    assert sum(c.connects > 1 for c in clients) == 2
