"""The health check reports whether the database and the channel layer are reachable."""

import threading

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_unreachable_channel_layer_is_reported(client, settings):
    # A real Redis layer pointed at a port where nothing listens.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["channel_layer"] == "unreachable"
    assert response.json()["status"] == "degraded"


def test_unreachable_database_is_reported(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    # The check runs in a thread of its own, with that thread's connection object.
    monkeypatch.setattr(type(connection._connections["default"]), "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_a_database_that_does_not_answer_in_time_is_reported(client, monkeypatch):
    """A pool checkout waits DATABASE_POOL_TIMEOUT during an outage; the proxy's health
    check gets its answer after HEALTH_TIMEOUT_SECONDS all the same."""
    from intranet import views

    answered = threading.Event()

    def waiting_for_a_connection():
        answered.wait(5)  # released below, once the response is there
        return True

    monkeypatch.setattr(views, "HEALTH_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(views, "_database_reachable", waiting_for_a_connection)
    response = client.get("/healthz")
    answered.set()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
