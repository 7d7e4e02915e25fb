"""Directory search p95 at 20,000 people vs a trivial view, same daphne, same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/directory_search.py [--rounds 300]

Seeds the demo data and `seed_bulk --people 20000` (both idempotent), starts one daphne
process on 127.0.0.1 with the portal's settings plus a trivial view (bench/urls.py), logs in
as the demo user ma32 and alternates requests: the trivial view, then a search from a mix of
umlaut-folded, prefix, typo, Amt, responsibility and phone queries. Prints both p95 values
and the ratio (target, PORTAL.md section 8: ≤ 3× and ≤ 30 ms).
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "Müller",
    "mueller",
    "Schmi",
    "Schmitt",
    "Amt 32",
    "Ordnungsamt",
    "Hundesteuer",
    "216-45",
    "Häberle",
    "Steinbach",
    "Sachbearbeitung Bußgeld",
    "Lena Müller",
]


def manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def p95(values):
    return statistics.quantiles(values, n=20)[18]


class Session:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def log_in(self, username, password):
        _status, html, _t = self.request("GET", "/anmelden/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        status, _data, _t = self.request(
            "POST",
            "/anmelden/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise SystemExit(f"Login failed ({status})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-seed", action="store_true", help="data already seeded")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Bitte DATABASE_URL auf eine PostgreSQL-Datenbank setzen.")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "HSTS_SECONDS": "0",
        "DIRECTORY_SEARCH_PER_MINUTE": "1000000",
    }
    manage("migrate", "--noinput", env=env)
    if not args.skip_seed:
        manage("seed_demo", "--people", "300", env=env)
        manage("seed_bulk", "--people", str(args.people), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(args.port),
            "intranet.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        session = Session(args.port)
        for _attempt in range(100):
            try:
                session.request("GET", "/healthz")
                break
            except OSError:
                session = Session(args.port)
                time.sleep(0.2)
        session.log_in("ma32", "Portal-Demo-2026")
        trivial, searching = [], []
        warmup = 20
        for index in range(args.rounds + warmup):
            status, data, elapsed = session.request("GET", "/__bench__/trivial/")
            assert status == 200 and data == b"ok", status
            if index >= warmup:
                trivial.append(elapsed)
            query = urllib.parse.quote(QUERIES[index % len(QUERIES)])
            status, data, elapsed = session.request("GET", f"/personen/?q={query}")
            assert status == 200 and b'data-testid="result-count"' in data, status
            if index >= warmup:
                searching.append(elapsed)
        trivial_p95, search_p95 = p95(trivial) * 1000, p95(searching) * 1000
        trivial_median = statistics.median(trivial) * 1000
        search_median = statistics.median(searching) * 1000
        print(f"people in directory: ≥{args.people}, rounds: {args.rounds}")
        print(f"trivial view  p95: {trivial_p95:7.2f} ms  (median {trivial_median:.2f} ms)")
        print(f"search        p95: {search_p95:7.2f} ms  (median {search_median:.2f} ms)")
        print(f"ratio search/trivial p95: {search_p95 / trivial_p95:.2f}× (target ≤ 3×, ≤ 30 ms)")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
