"""Should HTTP be served by daphne, or by a second ASGI server (uvicorn) while daphne keeps
the WebSockets? Both serve the same portal pages to 20 concurrent users in the same run.

    python -m bench.http_server_choice

The reference is uvicorn; the ratio is daphne's p95 over uvicorn's, each the median over
alternating rounds. docs/operations.md records the decision.
"""

import os
import subprocess
import sys

from bench.cluster import daphne_command, free_port, wait_healthy
from bench.common import (
    PYTHON,
    ROOT,
    database_prepare,
    django_setup,
    median,
    portal_environment,
    report,
    session_cookies,
)
from bench.http_load import run

PATHS = ["/barrierefreiheit/", "/healthz", "/personen/"]
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "4"))
# A second server is one more process kind to deploy, watch and update; it has to earn it.
SWITCH_RATIO = 1.5
# A stray failed request (e.g. a reset while a server warms up) is reported, not fatal.
MAX_ERROR_SHARE = 0.005


def serve(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def measure(command: list[str], port: int, env: dict[str, str], cookie: str) -> dict:
    process = serve(command, env)
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        return run(f"http://127.0.0.1:{port}", PATHS, cookie=cookie, concurrency=20, requests=600)
    finally:
        process.terminate()
        process.wait(10)


def commands() -> dict[str, tuple[list[str], int]]:
    daphne_port, uvicorn_port = free_port(), free_port()
    return {
        "uvicorn": (
            [
                PYTHON,
                "-m",
                "uvicorn",
                "intranet.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(uvicorn_port),
                "--no-access-log",
                "--lifespan",
                "off",
            ],
            uvicorn_port,
        ),
        "daphne": (
            daphne_command(daphne_port),
            daphne_port,
        ),
    }


def main() -> None:
    env = portal_environment()
    database_prepare(env)
    django_setup(env)
    cookie = session_cookies(1, prefix="benchhttp")[0]
    servers = commands()
    # Alternate the order round by round, so that a busy moment of the shared machine
    # does not fall on one server only; each server's figure is its median over the rounds.
    runs: dict[str, list[dict]] = {name: [] for name in servers}
    for round_number in range(ROUNDS):
        order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
        for name in order:
            command, port = servers[name]
            row = measure(command, port, env, cookie)
            runs[name].append(row)
            print(
                f"round {round_number + 1} {name}: p50 {row['p50']:.1f} ms, "
                f"p95 {row['p95']:.1f} ms, {row['rps']:.0f} requests/s, "
                f"{row['errors']} errors of {row['count']} {row['error_statuses'] or ''}",
                flush=True,
            )
    errors = sum(row["errors"] for rows in runs.values() for row in rows)
    answered = sum(row["count"] for rows in runs.values() for row in rows)
    if errors > answered * MAX_ERROR_SHARE:
        sys.exit(f"{errors} fehlerhafte Antworten von {answered} – Messung ungültig.")
    p95 = {name: median([row["p95"] for row in rows]) for name, rows in runs.items()}
    rps = {name: median([row["rps"] for row in rows]) for name, rows in runs.items()}
    ratio = p95["daphne"] / p95["uvicorn"]
    decision = "uvicorn for HTTP" if ratio >= SWITCH_RATIO else "daphne serves HTTP too"
    report(
        name=f"HTTP p95, 20 users: daphne vs uvicorn (same pages, median of {ROUNDS} rounds)",
        value=p95["daphne"],
        unit="ms",
        reference=p95["uvicorn"],
        ratio=ratio,
        target=f"decides: uvicorn only if daphne ≥ {SWITCH_RATIO}× slower",
        met=None,
        note=(
            f"throughput {rps['daphne']:.0f} vs {rps['uvicorn']:.0f} requests/s, "
            f"{errors} failed of {answered} → {decision}"
        ),
    )


if __name__ == "__main__":
    main()
