"""Request middleware of the portal shell: UI language, Content-Security-Policy and the
sliding session timeout."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import translation


class PortalLocaleMiddleware:
    """German unless the person chose English with the language switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language header is ignored:
    the city's working language is German, and the choice is the person's own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _policy_header(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Only the portal's own origin may serve scripts, styles, fonts and images (P10, S4).

    The Wagtail admin still needs inline styles and scripts, so it gets its own policy;
    every other page gets the strict one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.portal_policy = _policy_header(settings.CSP_PORTAL)
        self.admin_policy = _policy_header(settings.CSP_ADMIN)

    def __call__(self, request):
        response = self.get_response(request)
        is_admin = request.path.startswith("/admin/") or request.path.startswith("/django-admin/")
        response.headers.setdefault(
            "Content-Security-Policy", self.admin_policy if is_admin else self.portal_policy
        )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


SESSION_REFRESHED_KEY = "_refreshed"


def session_refresh_stamp(now: float | None = None) -> int:
    """The current time, rounded up to the refresh interval.

    Rounding up (not down) means the next refresh is due at least one full interval after
    a save, wherever in the interval the save fell: a login at 8:04:59 is next saved after
    8:10, not one second later.
    """
    interval = settings.SESSION_REFRESH_SECONDS
    now = int(time.time() if now is None else now)
    return now + (-now) % interval


def session_refresh_due(stamp: int, now: float | None = None) -> bool:
    """Whether a session last saved at `stamp` (see session_refresh_stamp) is due again."""
    now = time.time() if now is None else now
    return now >= stamp + settings.SESSION_REFRESH_SECONDS


class SessionRefreshMiddleware:
    """Keep a login alive while it is used, without a database write on every request.

    The session ends `SESSION_COOKIE_AGE` (8 hours) after its last save. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) would cost a write transaction per page view for
    20,000 people; instead a logged-in session is saved again on the first request at least
    `SESSION_REFRESH_SECONDS` (5 minutes) after its last save, and at most two intervals
    after it. The time kept in the session is rounded to that interval, so it says less
    about when someone was active than a save on every request did (P1).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or SESSION_KEY not in session:
            return response
        if session.modified or session_refresh_due(session.get(SESSION_REFRESHED_KEY, 0)):
            session[SESSION_REFRESHED_KEY] = session_refresh_stamp()
        return response
