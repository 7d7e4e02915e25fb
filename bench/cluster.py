"""A production-like cluster on loopback: nginx in front of several daphne processes that
share PostgreSQL and Redis. For the benchmarks, the fault tests and `make cluster`.

    python -m bench.cluster            # start, print the URL, stop everything on Ctrl+C
    python -m bench.cluster --daphne 3 --port 8080

Every process it starts it stops again by its PID. Only 127.0.0.1 is used.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from bench.common import PYTHON, ROOT, database_prepare, portal_environment

NGINX_CONF = """\
{user_line}worker_processes 1;
pid {state}/nginx.pid;
error_log {state}/nginx-error.log warn;
daemon off;
events {{ worker_connections 16384; }}
http {{
    include /etc/nginx/mime.types;
    # P1: no per-person request log.
    access_log off;
    client_body_temp_path {state}/tmp/body;
    proxy_temp_path {state}/tmp/proxy;
    fastcgi_temp_path {state}/tmp/fastcgi;
    uwsgi_temp_path {state}/tmp/uwsgi;
    scgi_temp_path {state}/tmp/scgi;
    client_max_body_size 12m;

    upstream portal {{
{upstreams}
        keepalive 64;
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}

    server {{
        listen 127.0.0.1:{port};
        server_tokens off;

        location /static/ {{
            alias {static_root}/;
            expires 7d;
            add_header X-Content-Type-Options nosniff;
        }}
        location /ws/ {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 300s;
            proxy_next_upstream error timeout;
        }}
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


ASGI_APP = "intranet.asgi:application"


def daphne_command(port: int) -> list[str]:
    """How the portal starts daphne on loopback: the cluster, the benchmarks and the tests.

    `intranet.serve` is daphne's command line with the chat protocol's message size limit
    (oversized messages are closed with 1009). `-v 0`: daphne writes an access log (client
    address, path, time of every request) to stdout by default; the portal keeps none (P1)."""
    return [PYTHON, "-m", "intranet.serve", "-v", "0", "-b", "127.0.0.1", "-p", str(port), ASGI_APP]


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free port on loopback that this process has not handed out before: servers are
    often started only after all their ports were picked, and the kernel may offer a port
    again as long as nobody listens on it."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def wait_healthy(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy within {timeout}s")


class Cluster:
    def __init__(
        self,
        *,
        daphne_count: int = 2,
        port: int | None = None,
        env: dict[str, str] | None = None,
        prepare: bool = True,
    ):
        if shutil.which("nginx") is None:
            raise RuntimeError("nginx fehlt: apt-get install nginx (Debian-Paket)")
        self.env = env or portal_environment()
        self.port = port or free_port()
        self.daphne_ports = [free_port() for _ in range(daphne_count)]
        self.state = ROOT / "var" / "cluster" / str(self.port)
        self.daphnes: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.prepare = prepare

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> "Cluster":
        if self.prepare:
            database_prepare(self.env)
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.state / "tmp" / name).mkdir(parents=True, exist_ok=True)
        for port in self.daphne_ports:
            self.daphne_start(port)
        self.nginx_start()
        wait_healthy(self.url)
        return self

    def daphne_start(self, port: int) -> None:
        log = open(self.state / f"daphne-{port}.log", "ab")  # noqa: SIM115 - kept for the process
        self.daphnes[port] = subprocess.Popen(
            daphne_command(port),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_healthy(f"http://127.0.0.1:{port}")

    def daphne_kill(self, port: int) -> None:
        """Kill one daphne process hard, as a crash would."""
        process = self.daphnes.pop(port)
        process.kill()
        process.wait(10)

    def nginx_start(self) -> None:
        upstreams = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;"
            for port in self.daphne_ports
        )
        conf = self.state / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user_line="user root root;\n" if os.geteuid() == 0 else "",
                state=self.state,
                port=self.port,
                upstreams=upstreams,
                static_root=self.env["STATIC_ROOT"],
            )
        )
        self.nginx = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(self.state)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.state / "nginx-stderr.log", "ab"),  # noqa: SIM115
        )

    def daphne_pids(self) -> dict[int, int]:
        return {port: process.pid for port, process in self.daphnes.items()}

    def stop(self) -> None:
        processes = list(self.daphnes.values())
        if self.nginx is not None:
            processes.append(self.nginx)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.daphnes.clear()
        self.nginx = None

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--daphne", type=int, default=2, help="Anzahl der daphne-Prozesse")
    parser.add_argument("--port", type=int, default=8080, help="Port des Proxys")
    args = parser.parse_args()
    cluster = Cluster(daphne_count=args.daphne, port=args.port)
    stop = False

    def request_stop(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with cluster:
        print(
            f"Cluster läuft: {cluster.url} (nginx) → daphne auf Ports "
            f"{', '.join(map(str, cluster.daphne_ports))}; Strg+C beendet alles.",
            flush=True,
        )
        print(f"PIDs: nginx {cluster.nginx.pid}, daphne {cluster.daphne_pids()}", flush=True)
        while not stop:
            time.sleep(0.5)
    print("Cluster beendet.")


if __name__ == "__main__":
    main()
