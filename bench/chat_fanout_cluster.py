"""Chat fan-out with 200 clients spread over two daphne processes behind nginx, through the
RedisPubSubChannelLayer (the portal's setting), against a bare `websockets` broadcast
server with the same clients and frame size in the same run.

One client sends (paced, then a burst, as in bench/chat_fanout.py); nginx spreads the
sockets round-robin over the two processes, so about half of the deliveries cross Redis
to the other process. The script checks where the sockets landed (established
connections per daphne port, from /proc/net/tcp) and counts every delivery per socket:
a lost or duplicated message fails it, whatever the timing. Target as for one process
(PORTAL.md section 8): p99 ≤ 5× the reference, and ≤ 50 ms.

    python -m bench.chat_fanout_cluster     # BENCH_CHAT_CLIENTS, BENCH_QUICK
"""

import asyncio
import os
import sys
from pathlib import Path

from bench.chat_fanout import (
    BURST_MESSAGES,
    PACED_MESSAGES,
    chat_environment,
    cleanup,
    delivered_all,
    fanout,
    print_fanout,
    reference_fanout,
    report_fanout,
    setup,
)
from bench.cluster import Cluster
from bench.common import size

DAPHNES = 2


def established_per_port(ports: list[int]) -> dict[int, int]:
    """Established TCP connections accepted on each of these local ports (IPv4 loopback)."""
    counts = dict.fromkeys(ports, 0)
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state = int(fields[1].rsplit(":", 1)[1], 16), fields[3]
        if state == "01" and local_port in counts:
            counts[local_port] += 1
    return counts


def main() -> None:
    clients = size("BENCH_CHAT_CLIENTS", 200, 200)
    fanout_room, _persist_room, cookies = setup(clients, 1)
    with Cluster(daphne_count=DAPHNES, env=chat_environment("pubsub"), prepare=False) as cluster:
        headers = [{"Origin": cluster.url, "Cookie": cookie} for cookie in cookies]
        fan = asyncio.run(
            fanout(
                f"{cluster.ws_url}/ws/",
                headers[:clients],
                fanout_room,
                while_open=lambda: established_per_port(cluster.daphne_ports),
            )
        )
    reference = reference_fanout(clients, fanout_room, fan["frame_bytes"])
    cleanup(cookies)

    # May include an idle HTTP keep-alive connection of nginx (from the health check).
    placement = " / ".join(str(count) for count in fan["placement"].values())
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(
        f"Fan-out to {clients} clients over {DAPHNES} daphne processes "
        f"(connections per process: {placement}), {PACED_MESSAGES} paced + "
        f"{BURST_MESSAGES} burst messages, {fan['frame_bytes']}-byte frames"
    )
    print_fanout("bare websockets", reference)
    print_fanout(f"nginx + {DAPHNES} daphne, pubsub", fan)
    if not delivered_all(reference):
        sys.exit("The bare reference server lost deliveries – measurement invalid.")
    report_fanout(
        fan,
        reference,
        setup=f"{clients} clients over nginx + {DAPHNES} daphne, pubsub",
        burst_setup=f"{clients} clients over {DAPHNES} daphne",
        judged=True,
        note=f"sockets per daphne {placement}; ",
    )
    if not delivered_all(fan):
        sys.exit("Deliveries were lost or duplicated (see above).")


if __name__ == "__main__":
    main()
