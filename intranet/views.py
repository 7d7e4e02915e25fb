"""Views of the site shell that are not Wagtail pages."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

HEALTH_TIMEOUT_SECONDS = 2.0


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    finally:
        # Health checks run from a thread pool; don't keep a broken connection around.
        connection.close_if_unusable_or_obsolete()


async def _channel_layer_reachable() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    probe = {"type": "health.probe", "token": uuid.uuid4().hex}
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            channel = await layer.new_channel()
            await layer.send(channel, probe)
            return await layer.receive(channel) == probe
    except Exception:  # noqa: BLE001 - a timeout or connection error means "not reachable"
        return False


@login_not_required
async def healthz(request):
    """For the proxy and monitoring: are the database and the channel layer reachable?"""
    database, channel_layer = await asyncio.gather(
        sync_to_async(_database_reachable)(), _channel_layer_reachable()
    )
    healthy = database and channel_layer
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": "ok" if database else "unreachable",
            "channel_layer": "ok" if channel_layer else "unreachable",
        },
        status=200 if healthy else 503,
    )


def login_elsewhere(request):
    """Reached only when logged in (the login middleware catches everyone else): go on to
    where the person wanted to go, or say no if that is the admin and they lack access."""
    if request.path.startswith("/admin/") and not request.user.has_perm(
        "wagtailadmin.access_admin"
    ):
        # Wagtail sends logged-in people without admin access here; don't bounce them back.
        raise PermissionDenied
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/admin/" if request.path.startswith("/admin/") else "/"
    return redirect(target)


def accessibility_statement(request):
    return render(request, "intranet/accessibility_statement.html")
