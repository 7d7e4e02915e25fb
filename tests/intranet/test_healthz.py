"""The health check reports whether the database and the channel layer are reachable."""

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

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
