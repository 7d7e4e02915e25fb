"""Shared fixtures: services check, people in Ämter, logged-in clients, a daphne server."""

import inspect
import os
import socket
from urllib.parse import urlparse

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support.factories import PersonFactory, amt_with_groups, site_root_ensure

# The OpenID provider and the daphne in OIDC mode, for tests/sso/ and tests/e2e/.
pytest_plugins = ["tests.support.oidc_fixtures"]

IN_CI = os.environ.get("CI", "").lower() == "true"

# CI explores the same examples on every run, so a red build names a change, not chance;
# local runs keep exploring new ones (a failure there prints its reproduction blob).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile("ci" if IN_CI else "dev")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 3
        ):
            return True
    except OSError:
        return False


def pytest_configure(config):
    """Under CI an unreachable service fails the run loudly instead of skipping tests."""
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres") and not _reachable(database_url, 5432):
        problems.append(f"PostgreSQL unter DATABASE_URL={database_url} ist nicht erreichbar")
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url and not _reachable(redis_url, 6379):
        problems.append(f"Redis unter REDIS_URL={redis_url} ist nicht erreichbar")
    if problems:
        pytest.exit("; ".join(problems), returncode=3)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's event loop stays in the main thread once started."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _close_connections_of_async_tests(request):
    """Async tests reach the database from asgiref's single sync thread; close that thread's
    connection afterwards, or PostgreSQL can't drop the test database at the end."""
    yield
    if inspect.iscoroutinefunction(getattr(request, "function", None)):
        from asgiref.sync import SyncToAsync
        from django.db import connections

        SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if IN_CI and os.environ.get("PORTAL_REQUIRE_REDIS") == "1":
            pytest.fail("REDIS_URL fehlt, obwohl dieser CI-Lauf Redis verlangt")
        pytest.skip("REDIS_URL ist nicht gesetzt: dieser Test braucht einen echten Redis-Server")
    return url


@pytest.fixture
def home_page(db):
    return site_root_ensure()


@pytest.fixture
def amt_32(db):
    return amt_with_groups(number="32", name="Amt für öffentliche Ordnung")


@pytest.fixture
def amt_50(db):
    return amt_with_groups(number="50", name="Sozialamt", referat_number="SI")


@pytest.fixture
def person_in_32(amt_32):
    return PersonFactory(unit=amt_32, first_name="Lena", last_name="Müller")


@pytest.fixture
def colleague_in_32(amt_32):
    return PersonFactory(unit=amt_32, first_name="Özlem", last_name="Yılmaz")


@pytest.fixture
def room_32(amt_32):
    """The Amt's own chat room, created with the Amt."""
    from chat.models import Room

    return Room.objects.get(amt=amt_32)


@pytest.fixture
def person_in_50(amt_50):
    return PersonFactory(unit=amt_50, first_name="Jörg", last_name="Weiß")


@pytest.fixture
def client_32(client, person_in_32):
    client.force_login(person_in_32.user)
    return client


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker):
    """The real ASGI app under daphne, reading the test database (and Redis, if set)."""
    from tests.support.server import DaphneServer

    server = DaphneServer()
    server.start()
    yield server
    with django_db_blocker.unblock():
        server.stop()


@pytest.fixture(autouse=True)
def _local_cache_cleared():
    """Every test starts without rate-limit state (intranet/ratelimit.py).

    With the in-process cache (the SQLite pass), rate-limit and presence keys are per user
    id, and SQLite hands out the same ids again after each test's rollback: the cache is
    emptied. With Redis (the PostgreSQL pass) the counters would outlive the test (a test's
    thirty failed logins from one address would lock the next test out): the rate-limit
    counters and lock-outs are deleted, and nothing else, since sessions and the channel
    layer may be shared with a daphne the test runs."""
    from django.conf import settings
    from django.core.cache import cache

    if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        cache.clear()
    elif "RedisCache" in settings.CACHES["default"]["BACKEND"]:
        client = cache._cache.get_client(write=True)
        for pattern in (cache.make_key("rate:*"), cache.make_key("lock:*")):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
