"""Run the portal's real ASGI application under daphne, in a subprocess, for tests."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

from bench.cluster import daphne_command, free_port
from bench.common import session_cookies_for

ROOT = Path(__file__).resolve().parents[2]


def portal_python(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run the portal's Python (`manage.py …` or `-c …`) in a child process with `env`, for
    what only a fresh process shows: settings read at start-up, checks, start-up work."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def login_cookie(user) -> str:
    """A session cookie header for this person, for sockets and requests to a real server."""
    return session_cookies_for([user])[0]


def test_database_url() -> str:
    """The URL of the test database pytest-django created (not the development one)."""
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def wait_for_other_connections_to_close(timeout: float = 5.0) -> None:
    """PostgreSQL notices a finished server's connections a moment later; the test database
    can only be dropped once they are gone."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)


class DaphneServer:
    def __init__(self, *, port: int | None = None, extra_env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="daphne-", suffix=".log", delete=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "intranet.settings",
            "DATABASE_URL": test_database_url(),
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "tests-only-secret-key"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The test server speaks plain http on loopback; TLS is the proxy's job.
            "SECURE_COOKIES": "0",
            "HSTS_SECONDS": "0",
        }
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(
            daphne_command(self.port),
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"daphne did not become healthy in {timeout}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        wait_for_other_connections_to_close()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-5000:]
