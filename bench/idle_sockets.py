"""Idle WebSockets held by one daphne process (behind nginx) against a bare `websockets`
server holding the same number, in the same run: memory and CPU (PORTAL.md section 8).

    python -m bench.idle_sockets [--sockets 2000] [--hold 10]   # or BENCH_QUICK=1

The figure is the memory the server process needs for the sockets (RSS with the sockets
held minus RSS before), so a framework's fixed start-up cost doesn't hide or inflate it;
the absolute RSS is printed too.
"""

import argparse
import asyncio
import subprocess
import sys
import textwrap
import time

import websockets

from bench.cluster import Cluster, free_port, wait_healthy  # noqa: F401
from bench.common import (
    PYTHON,
    cpu_seconds,
    database_prepare,
    django_setup,
    portal_environment,
    report,
    rss_kib,
    session_cookies,
    size,
)

REFERENCE_SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from websockets.asyncio.server import serve

    async def hold(connection):
        await connection.wait_closed()

    async def main(port):
        async with serve(hold, "127.0.0.1", port, ping_interval=20):
            print("ready", flush=True)
            await asyncio.Future()

    asyncio.run(main(int(sys.argv[1])))
    """
)


async def open_sockets(url: str, count: int, headers_for) -> list:
    semaphore = asyncio.Semaphore(50)
    sockets: list = []

    async def one(index: int):
        async with semaphore:
            socket = await websockets.connect(
                url,
                additional_headers=headers_for(index),
                open_timeout=30,
                ping_interval=20,
                max_queue=4,
            )
            sockets.append(socket)

    await asyncio.gather(*(one(index) for index in range(count)))
    return sockets


async def hold_and_measure(pid: int, url: str, count: int, hold: float, headers_for):
    rss_before = rss_kib(pid)
    started = time.monotonic()
    sockets = await open_sockets(url, count, headers_for)
    open_seconds = time.monotonic() - started
    await asyncio.sleep(2)  # let the server settle
    rss_held = rss_kib(pid)
    cpu_start = cpu_seconds(pid)
    await asyncio.sleep(hold)
    cpu_idle = cpu_seconds(pid) - cpu_start
    alive = sum(1 for socket in sockets if socket.state.name == "OPEN")
    closed = [
        (socket.close_code, socket.close_reason)
        for socket in sockets
        if socket.state.name != "OPEN"
    ]
    if closed:
        print(f"closed during the hold: {closed[:5]}", flush=True)
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    return {
        "rss_before": rss_before,
        "rss_held": rss_held,
        "delta_kib": rss_held - rss_before,
        "cpu_idle": cpu_idle,
        "open_seconds": open_seconds,
        "alive": alive,
    }


def measure_reference(count: int, hold: float) -> dict:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-c", REFERENCE_SERVER, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        process.stdout.readline()
        return asyncio.run(
            hold_and_measure(process.pid, f"ws://127.0.0.1:{port}/", count, hold, lambda index: {})
        )
    finally:
        process.terminate()
        process.wait(10)


def measure_portal(count: int, hold: float) -> dict:
    env = portal_environment()
    database_prepare(env)
    django_setup(env)
    cookies = session_cookies(100)
    with Cluster(daphne_count=1, env=env, prepare=False) as cluster:
        (pid,) = cluster.daphne_pids().values()
        origin = cluster.url
        return asyncio.run(
            hold_and_measure(
                pid,
                f"{cluster.ws_url}/ws/",
                count,
                hold,
                lambda index: {"Origin": origin, "Cookie": cookies[index % len(cookies)]},
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=size("BENCH_IDLE_SOCKETS", 2000, 500))
    parser.add_argument("--hold", type=float, default=size("BENCH_IDLE_HOLD", 10, 5))
    args = parser.parse_args()

    reference = measure_reference(args.sockets, args.hold)
    portal = measure_portal(args.sockets, args.hold)
    for label, row in (("bare websockets", reference), ("daphne (portal)", portal)):
        print(
            f"{label}: {row['alive']}/{args.sockets} open after {args.hold:.0f}s idle, "
            f"RSS {row['rss_before'] / 1024:.1f} → {row['rss_held'] / 1024:.1f} MiB "
            f"(+{row['delta_kib'] / 1024:.1f} MiB), idle CPU {row['cpu_idle']:.2f}s, "
            f"opened in {row['open_seconds']:.1f}s"
        )
    if portal["alive"] != args.sockets or reference["alive"] != args.sockets:
        sys.exit("Nicht alle Verbindungen wurden gehalten.")
    ratio = portal["delta_kib"] / max(reference["delta_kib"], 1)
    report(
        name=f"idle WebSockets: memory for {args.sockets} sockets (one daphne)",
        value=portal["delta_kib"] / 1024,
        unit="MiB",
        reference=reference["delta_kib"] / 1024,
        ratio=ratio,
        target="≤ 5×",
        met=ratio <= 5,
        note=f"absolute RSS {portal['rss_held'] / 1024:.0f} MiB vs "
        f"{reference['rss_held'] / 1024:.0f} MiB",
    )
    # The bare server often uses no measurable CPU at all (clock ticks of 10 ms): no ratio.
    cpu_ratio = (
        portal["cpu_idle"] / reference["cpu_idle"] if reference["cpu_idle"] else float("nan")
    )
    report(
        name=f"idle WebSockets: CPU while {args.sockets} sockets idle {args.hold:.0f}s",
        value=portal["cpu_idle"],
        unit="s",
        reference=reference["cpu_idle"],
        ratio=cpu_ratio,
        target="(reported)",
        met=None,
    )


if __name__ == "__main__":
    main()
