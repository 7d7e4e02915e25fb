"""Session end is socket end through the real stack: two daphne processes sharing Redis (the
channel layer and the session cache). A session ended on one process closes its sockets on
the other with 4003; the person's other sessions stay connected."""

import asyncio
import datetime
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from directory import services
from directory.models import LoginSession
from intranet.sessions import session_store
from tests.support.factories import PersonFactory
from tests.support.server import DaphneServer, login_cookie
from tests.support.sockets import socket_alive as _alive
from tests.support.sockets import socket_closed_with as _closed_with
from tests.support.sockets import socket_open as _open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Replaces the chat conftest's cache.clear(): on Redis that is FLUSHDB, which would
    wipe the database other test runs share. This module uses its own key prefix instead."""


@pytest.fixture
def shared_redis(redis_url, settings):
    """Daphne's Redis prefixes, used by this test process too (sessions it creates or
    expires, channel-layer events its services send)."""
    prefix = f"tse-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": prefix},
        }
    }
    return {"REDIS_URL": redis_url, "CHANNEL_LAYER_PREFIX": prefix, "CACHE_KEY_PREFIX": prefix}


@pytest.fixture
def two_daphnes(shared_redis):
    servers = [DaphneServer(extra_env=shared_redis), DaphneServer(extra_env=shared_redis)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(server: DaphneServer, path: str, cookie: str) -> int:
    """A form POST as the browser sends it: the CSRF token from the page, then the form."""
    opener = urllib.request.build_opener(_NoRedirect)
    page = opener.open(
        urllib.request.Request(f"{server.url}/meine-daten/", headers={"Cookie": cookie})
    )
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"] or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        headers={"Cookie": f"{cookie}; csrftoken={csrf_cookie}", "Origin": server.url},
        method="POST",
    )
    try:
        return opener.open(request).status
    except urllib.error.HTTPError as answer:
        return answer.code


def _key(cookie: str) -> str:
    return cookie.split("=", 1)[1]


def test_logout_and_my_data_on_one_daphne_close_the_sockets_on_the_other(two_daphnes, person_in_32):
    first, second = two_daphnes
    user = person_in_32.user
    laptop, phone, tablet = (login_cookie(user) for _ in range(3))
    phone_entry = LoginSession.objects.get(session_key=_key(phone))

    async def scenario():
        on_laptop, on_phone = await _open(first, laptop), await _open(first, phone)
        on_tablet = await _open(second, tablet)

        # Logout through the second daphne: the laptop's socket on the first one closes.
        assert await asyncio.to_thread(_post, second, "/abmelden/", laptop) == 302
        assert await _closed_with(on_laptop) == 4003
        assert await _alive(on_phone) and await _alive(on_tablet)

        # "Meine Daten" on the tablet ends the phone's session.
        path = f"/meine-daten/sitzungen/{phone_entry.pk}/beenden/"
        assert await asyncio.to_thread(_post, second, path, tablet) == 302
        assert await _closed_with(on_phone) == 4003
        assert await _alive(on_tablet)
        await on_tablet.close()

    asyncio.run(scenario())
    assert set(LoginSession.objects.filter(user=user).values_list("session_key", flat=True)) == {
        _key(tablet)
    }


def test_expiry_and_offboarding_close_sockets_under_daphne(two_daphnes, person_in_32, amt_32):
    first, second = two_daphnes
    hr = PersonFactory(unit=amt_32, first_name="Jana", last_name="Schäfer")
    hr.user.groups.add(services.central_hr_group_ensure())
    leaver = PersonFactory(unit=amt_32, first_name="Olaf", last_name="Groß")
    expiring, leaving = login_cookie(person_in_32.user), login_cookie(leaver.user)

    def expire(session_key):
        # What time does to it: the row's expiry passes and the cache entry times out.
        Session.objects.filter(session_key=session_key).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        store = session_store(session_key)
        store._cache.delete(store.cache_key)

    async def scenario():
        on_first = await _open(first, expiring)
        leavers_sockets = [await _open(first, leaving), await _open(second, leaving)]

        await asyncio.to_thread(expire, _key(expiring))
        await on_first.send(json.dumps({"type": "ping"}))  # caught on the next frame
        assert await _closed_with(on_first) == 4003

        # Offboarding in a third process (here: the test) closes the leaver's sockets on both.
        await asyncio.to_thread(services.person_deactivate, person=leaver, actor=hr.user)
        for socket in leavers_sockets:
            assert await _closed_with(socket) == 4003

    asyncio.run(scenario())
