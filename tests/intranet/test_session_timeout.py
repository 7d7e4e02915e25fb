"""The sliding idle timeout: a used login stays alive, an unused one ends after
SESSION_COOKIE_AGE, and a page view writes the session only every SESSION_REFRESH_SECONDS."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.middleware import SESSION_REFRESHED_KEY
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC)


def _session_writes(client, path="/transparenz/") -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return sum(
        1
        for query in context.captured_queries
        if query["sql"].startswith('UPDATE "django_session"')
    )


def _log_in(client, user):
    response = client.post("/anmelden/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def _expiry(client) -> datetime.datetime:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_page_views_within_the_interval_write_no_session(client, person_in_32):
    with time_machine.travel(START, tick=False) as clock:
        _log_in(client, person_in_32.user)
        assert _session_writes(client) == 0
        clock.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1))
        assert _session_writes(client) == 0


def test_a_login_just_before_the_rounding_boundary_is_not_saved_again_at_once(client, person_in_32):
    """The rounding never shortens the interval: query counts stay the same whenever a
    test or a person happens to log in (CI once logged in at hh:m4:59)."""
    just_before = START + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1)
    with time_machine.travel(just_before, tick=False) as clock:
        _log_in(client, person_in_32.user)
        clock.shift(datetime.timedelta(seconds=1))
        assert _session_writes(client) == 0
        clock.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 2))
        assert _session_writes(client) == 0
        clock.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1))
        assert _session_writes(client) == 1


def test_a_used_session_is_extended_once_per_interval(client, person_in_32):
    with time_machine.travel(START, tick=False) as clock:
        _log_in(client, person_in_32.user)
        first_expiry = _expiry(client)
        clock.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS))
        assert _session_writes(client) == 1
        assert _session_writes(client) == 0  # the next view in the same interval: no write
        assert _expiry(client) - first_expiry == datetime.timedelta(
            seconds=settings.SESSION_REFRESH_SECONDS
        )


def test_working_all_day_keeps_the_login(client, person_in_32):
    with time_machine.travel(START, tick=False) as clock:
        _log_in(client, person_in_32.user)
        for _hour in range(10):  # longer than the 8-hour timeout, with a page every hour
            clock.shift(datetime.timedelta(hours=1))
            assert client.get("/transparenz/").status_code == 200


def test_an_idle_session_ends_after_the_timeout(client, person_in_32):
    with time_machine.travel(START, tick=False) as clock:
        _log_in(client, person_in_32.user)
        clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        # The cached copy expires by the cache's own clock (Redis: the same age in real
        # time), which travelling does not move; the database row decides once it is gone.
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        cache.delete(SessionStore(session_key=key).cache_key)
        response = client.get("/transparenz/")
    assert response.status_code == 302
    assert response.url.startswith("/anmelden/")


def test_the_stored_time_is_rounded_to_the_interval(client, person_in_32):
    """P1: the session keeps no exact time of the last activity."""
    moment = START + datetime.timedelta(minutes=7, seconds=13)
    with time_machine.travel(moment, tick=False):
        _log_in(client, person_in_32.user)
        # Read while still at `moment`: in real time this session expired long ago.
        stamp = client.session[SESSION_REFRESHED_KEY]
    assert stamp % settings.SESSION_REFRESH_SECONDS == 0
    assert stamp - settings.SESSION_REFRESH_SECONDS < moment.timestamp() <= stamp


def test_anonymous_requests_create_no_session(client):
    assert client.get("/anmelden/").status_code == 200
    assert Session.objects.count() == 0
