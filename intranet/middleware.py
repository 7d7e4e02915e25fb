"""Request middleware of the portal shell: UI language and Content-Security-Policy."""

from django.conf import settings
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
