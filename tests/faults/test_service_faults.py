"""Faults on the real stack (nginx, two daphne processes, PostgreSQL, Redis): what users and
the proxy's health check see when a service goes away and comes back."""

import asyncio
import json
import urllib.request

import pytest
import websockets

from bench.cluster import Cluster
from tests.faults.conftest import database_host_port, health, wait_for_health
from tests.support.faults import PrivateRedis, TcpProxy
from tests.support.server import login_cookie

pytestmark = pytest.mark.cluster


async def receive_type(socket, frame_type: str, seconds: float = 10) -> dict:
    """The next frame of this type; the server greets with `hello` and may send others."""
    async with asyncio.timeout(seconds):
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == frame_type:
                return frame


async def ping(url: str, origin: str, cookie: str) -> dict:
    async with websockets.connect(
        url, additional_headers={"Origin": origin, "Cookie": cookie}, open_timeout=10
    ) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        return await receive_type(socket, "pong")


@pytest.mark.parametrize("pool_size", ["0", "4"], ids=["connection-per-request", "pool"])
def test_healthz_reports_an_unreachable_database_and_recovers(cluster_environment, pool_size):
    proxy = TcpProxy(*database_host_port()).start()
    database_url = cluster_environment["DATABASE_URL"]
    host_port = "{}:{}".format(*database_host_port())
    environment = {
        **cluster_environment,
        "DATABASE_URL": database_url.replace(host_port, f"127.0.0.1:{proxy.port}"),
        "DATABASE_POOL_SIZE": pool_size,
    }
    try:
        with Cluster(daphne_count=2, env=environment, prepare=False) as cluster:
            assert health(cluster.url)[0] == 200
            proxy.cut()
            degraded = wait_for_health(cluster.url, 503)
            assert degraded == {
                "status": "degraded",
                "database": "unreachable",
                "channel_layer": "ok",
            }
            proxy.restore()
            assert wait_for_health(cluster.url, 200)["status"] == "ok"
    finally:
        proxy.stop()


def test_redis_restart_is_reported_and_sockets_work_again(
    cluster_environment, person_in_32, home_page
):
    redis = PrivateRedis().start()
    environment = {**cluster_environment, "REDIS_URL": redis.url}
    cookie = login_cookie(person_in_32.user)
    try:
        with Cluster(daphne_count=2, env=environment, prepare=False) as cluster:
            socket_url = f"{cluster.ws_url}/ws/"
            assert asyncio.run(ping(socket_url, cluster.url, cookie)) == {"type": "pong"}
            redis.stop()
            degraded = wait_for_health(cluster.url, 503)
            assert degraded["channel_layer"] == "unreachable"
            assert degraded["database"] == "ok"
            redis.start()
            wait_for_health(cluster.url, 200)
            # Both daphne processes reconnect on first use: the socket handshake and the
            # cached session of a page request work right away, whichever process answers.
            for _ in range(4):
                assert asyncio.run(ping(socket_url, cluster.url, cookie)) == {"type": "pong"}
                request = urllib.request.Request(f"{cluster.url}/", headers={"Cookie": cookie})
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert response.status == 200
                    assert "Lena" in response.read().decode()
    finally:
        redis.stop()


def test_killed_daphne_clients_reconnect_through_the_proxy(cluster_environment, person_in_32):
    cookie = login_cookie(person_in_32.user)

    async def scenario(cluster: Cluster) -> tuple[int, list[dict]]:
        headers = {"Origin": cluster.url, "Cookie": cookie}
        url = f"{cluster.ws_url}/ws/"
        sockets = [
            await websockets.connect(url, additional_headers=headers, open_timeout=10)
            for _ in range(6)
        ]
        cluster.daphne_kill(cluster.daphne_ports[0])
        await asyncio.sleep(1)
        lost = 0
        for socket in sockets:
            try:
                await socket.send(json.dumps({"type": "ping"}))
                await receive_type(socket, "pong", seconds=3)
            except (websockets.ConnectionClosed, TimeoutError):
                lost += 1
        # Every client whose server died reconnects; the proxy sends it to the survivor.
        answers = [await ping(url, cluster.url, cookie) for _ in range(lost)]
        for socket in sockets:
            await socket.close()
        return lost, answers

    with Cluster(daphne_count=2, env=cluster_environment, prepare=False) as cluster:
        lost, answers = asyncio.run(scenario(cluster))
    assert 1 <= lost < 6  # round robin put some sockets on the killed process
    assert answers == [{"type": "pong"}] * lost
