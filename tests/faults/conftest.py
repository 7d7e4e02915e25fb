"""Fixtures for the fault tests: a production-like cluster (nginx + daphne processes) on
the test database, with faults injected only into services the test owns."""

import os
import shutil
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.support.server import test_database_url


@pytest.fixture
def cluster_environment(transactional_db):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("Die Cluster-Tests brauchen PostgreSQL (DATABASE_URL), wie in Produktion")
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Die Cluster-Tests brauchen Redis (REDIS_URL), wie in Produktion")
    if shutil.which("nginx") is None:
        pytest.fail("nginx fehlt: `make test` installiert es (Debian-Paket nginx)")
    from bench.common import portal_environment

    return portal_environment(
        DATABASE_URL=test_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        SECRET_KEY=os.environ["SECRET_KEY"],
        STATIC_ROOT=str(settings.STATIC_ROOT),
    )


def database_host_port() -> tuple[str, int]:
    parsed = urlparse(test_database_url())
    return parsed.hostname or "127.0.0.1", parsed.port or 5432


def health(url: str) -> tuple[int, dict]:
    import json

    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}


def wait_for_health(url: str, status: int, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = health(url)
        if seen[0] == status:
            return seen[1]
        time.sleep(0.2)
    raise AssertionError(f"/healthz never answered {status} within {timeout}s (last: {seen})")


@pytest.fixture
def private_redis():
    """A Redis of the test's own: Redis pub/sub ignores database numbers, so a shared server
    would mix these daphnes' broadcasts with anyone else's that use the same prefix."""
    from tests.support.faults import PrivateRedis

    redis = PrivateRedis().start()
    yield redis
    redis.stop()
