"""System checks for settings that work on one machine but fail at the city's scale."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.database, deploy=True)
def persistent_connections_under_asgi(app_configs, **kwargs):
    """CONN_MAX_AGE keeps one connection per thread. Under ASGI Django runs each request's
    synchronous code in a thread of its own, so with 20 users on two daphne processes the
    connections reached PostgreSQL's limit of 100 and requests failed (docs/operations.md).
    The pool (DATABASE_POOL_SIZE) is the way to reuse connections here."""
    database = settings.DATABASES["default"]
    if database.get("CONN_MAX_AGE", 0) and not database.get("OPTIONS", {}).get("pool"):
        return [
            Warning(
                "CONN_MAX_AGE hält unter ASGI eine Verbindung je Thread offen; die "
                "Verbindungen häufen sich, bis PostgreSQL keine weiteren annimmt.",
                hint="CONN_MAX_AGE=0 lassen und DATABASE_POOL_SIZE setzen (docs/operations.md).",
                id="intranet.W001",
            )
        ]
    return []
