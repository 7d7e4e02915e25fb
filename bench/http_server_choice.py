"""Should HTTP be served by daphne, or by a second ASGI server (uvicorn) while daphne keeps
the WebSockets? Both serve the same portal pages to 20 concurrent users in the same run.

    python -m bench.http_server_choice

The reference is uvicorn; the ratio is daphne's p95 over uvicorn's. docs/operations.md
records the decision.
"""

import subprocess
import sys

from bench.cluster import free_port, wait_healthy
from bench.common import (
    PYTHON,
    ROOT,
    database_prepare,
    django_setup,
    portal_environment,
    report,
    session_cookies,
)
from bench.http_load import run

PATHS = ["/barrierefreiheit/", "/healthz", "/personen/"]


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


def main() -> None:
    env = portal_environment()
    database_prepare(env)
    django_setup(env)
    cookie = session_cookies(1, prefix="benchhttp")[0]
    daphne_port, uvicorn_port = free_port(), free_port()
    results = {
        "uvicorn": measure(
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
            env,
            cookie,
        ),
        "daphne": measure(
            [
                PYTHON,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(daphne_port),
                "intranet.asgi:application",
            ],
            daphne_port,
            env,
            cookie,
        ),
    }
    for name, row in results.items():
        print(
            f"{name}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
            f"{row['rps']:.0f} requests/s, {row['errors']} errors of {row['count']}"
        )
    if any(row["errors"] for row in results.values()):
        sys.exit("Fehlerhafte Antworten – Messung ungültig.")
    daphne, uvicorn = results["daphne"], results["uvicorn"]
    ratio = daphne["p95"] / uvicorn["p95"]
    report(
        name="HTTP p95, 20 users: daphne vs uvicorn (same pages, same run)",
        value=daphne["p95"],
        unit="ms",
        reference=uvicorn["p95"],
        ratio=ratio,
        target="decides: uvicorn only if daphne ≥ 1.5× slower",
        met=None,
        note=f"throughput {daphne['rps']:.0f} vs {uvicorn['rps']:.0f} requests/s",
    )


if __name__ == "__main__":
    main()
