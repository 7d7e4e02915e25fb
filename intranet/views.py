"""Views of the site shell that are not Wagtail pages."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from intranet import selectors
from intranet.channel_layer import channel_release

HEALTH_TIMEOUT_SECONDS = 2.0


def too_many_requests(
    request, *, message: str, decision, hint: str = "", back_url: str = "", back_label: str = ""
):
    """The portal's one 429 page (S5): what was limited, and how long to wait."""
    response = render(
        request,
        "429.html",
        {"message": message, "hint": hint, "back_url": back_url, "back_label": back_label},
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


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


async def _database_reachable_in_time() -> bool:
    """With a connection pool, an outage makes a checkout wait DATABASE_POOL_TIMEOUT; the
    proxy's health check must get its answer sooner. The check runs in a thread of its own
    so that an answer given after the time limit does not hold up this one."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            return await sync_to_async(_database_reachable, thread_sensitive=False)()
    except TimeoutError:
        return False


async def _channel_layer_reachable() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    probe = {"type": "health.probe", "token": uuid.uuid4().hex}
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            channel = await layer.new_channel()
            try:
                await layer.send(channel, probe)
                return await layer.receive(channel) == probe
            finally:
                # One probe every few seconds all day: it must not leave its channel behind.
                await channel_release(layer, channel)
    except Exception:  # noqa: BLE001 - a timeout or connection error means "not reachable"
        return False


@login_not_required
async def healthz(request):
    """For the proxy and monitoring: are the database and the channel layer reachable?"""
    database, channel_layer = await asyncio.gather(
        _database_reachable_in_time(), _channel_layer_reachable()
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


def transparency(request):
    """ "Welche Daten speichert das Portal?": the register and the co-determined features."""
    return render(
        request,
        "intranet/transparency.html",
        {
            "register": selectors.register_overview(),
            "field_count": selectors.register_field_count(),
            "features": selectors.feature_states(),
        },
    )


def _settings_links() -> list[dict]:
    """The person's own switches live with their parts; "Meine Daten" links to them."""
    return [
        {"url": reverse(url_name), "label": label, "description": description}
        for url_name, label, description in SETTINGS_PAGES
    ]


SETTINGS_PAGES = [
    (
        "chat:preferences",
        _("Präsenz- und Tipp-Anzeige"),
        _(
            "Ob andere sehen, dass Sie im Chat sind oder gerade schreiben (aus, bis Sie sie "
            "einschalten)."
        ),
    ),
    (
        "directory:profile_edit",
        _("Freiwillige Profilangaben"),
        _("Foto, Mobilnummer, Sprachen, Themen und „Über mich“ – und wer sie sehen darf."),
    ),
]


@login_not_required
def login_unlock(request, token: str):
    """The link in the lock-out mail: its owner lifts the lock-out. Opening the link only
    asks; the button (POST) lifts it, so that a mail scanner following links cannot."""
    from intranet import login_throttle

    if request.method == "POST":
        if login_throttle.unlock_by_link(token):
            messages.success(
                request, _("Die Sperre ist aufgehoben. Sie können sich wieder anmelden.")
            )
            return redirect("login")
        return render(request, "registration/login_unlock.html", {"stale": True}, status=400)
    return render(request, "registration/login_unlock.html", {"stale": False})


def my_data(request):
    """ "Meine Daten": everything stored about the person, by category (P8)."""
    return render(
        request,
        "intranet/my_data.html",
        {
            "personal_data": selectors.personal_data_for_user(
                user=request.user, limit=selectors.PAGE_ROWS_PER_ENTRY, for_display=True
            ),
            "settings_links": _settings_links(),
            "features": selectors.feature_states(),
            "rows_per_entry": selectors.PAGE_ROWS_PER_ENTRY,
            "login_sessions": selectors.login_sessions_for_user(
                user=request.user, current_session_key=request.session.session_key
            ),
        },
    )


@require_POST
def my_data_session_end(request, pk: int):
    """End one of the person's own sessions; its open chat sockets close (4003)."""
    from directory import services

    sessions = selectors.login_sessions_for_user(
        user=request.user, current_session_key=request.session.session_key
    )
    if any(row.id == pk and row.current for row in sessions):
        logout(request)  # the session in use: that is an ordinary logout
        return redirect("login")
    try:
        services.login_session_end(user=request.user, login_session_id=pk)
    except ObjectDoesNotExist:
        raise Http404 from None  # not one of the person's own sessions
    messages.success(request, _("Die Sitzung wurde beendet."))
    return redirect(reverse("my_data") + "#sitzungen")


@require_POST
def my_data_sessions_end_others(request):
    from directory import services

    ended = services.login_sessions_end_others(
        user=request.user, keep_session_key=request.session.session_key
    )
    if ended:
        messages.success(request, _("Alle anderen Sitzungen wurden beendet."))
    else:
        messages.info(request, _("Es gab keine anderen Sitzungen."))
    return redirect(reverse("my_data") + "#sitzungen")


def my_data_download(request):
    """The same as JSON, for GDPR Art. 15 and 20. A read: never audited."""
    export = selectors.personal_data_export(user=request.user)
    response = JsonResponse(export, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"meine-daten-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
