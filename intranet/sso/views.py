"""The login page in every mode and the OpenID Connect endpoints."""

import functools
import logging

import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views

from intranet.sso import accounts, modes, oidc
from intranet.sso.backends import break_glass_accounts
from intranet.sso.forms import PortalAuthenticationForm

logger = logging.getLogger(__name__)


class PortalLoginView(auth_views.LoginView):
    """The one login page. With OIDC on, its primary action is the city account; the
    password form stays only for configured break-glass accounts."""

    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = settings.PORTAL_AUTH_MODE
        context["auth_mode"] = mode
        context["password_form_shown"] = mode != modes.OIDC or bool(break_glass_accounts())
        return context


def _oidc_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.PORTAL_AUTH_MODE != modes.OIDC:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def refusal_page(request, code: str, *, status: int = 403):
    return render(
        request,
        "sso/refused.html",
        {"message": accounts.REFUSALS.get(code, accounts.REFUSALS["failed"]), "code": code},
        status=status,
    )


@method_decorator([login_not_required, never_cache, _oidc_only], name="dispatch")
class OIDCStartView(oidc_views.OIDCAuthenticationRequestView):
    """To the provider's login page, with `state`, `nonce` and a PKCE challenge; `next`
    is kept only if it stays on this site (mozilla-django-oidc's get_next_url)."""

    def __init__(self, *args, **kwargs):
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.discovery()["authorization_endpoint"]
        except (oidc.ProviderUnavailable, KeyError):
            logger.warning("OIDC: discovery document not available")
            return render(request, "sso/unavailable.html", status=503)
        return super().get(request)


@method_decorator([login_not_required, never_cache, _oidc_only], name="dispatch")
class OIDCCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider: a refused login gets a German page saying why."""

    def get(self, request):
        try:
            # RFC 9207: a provider that names itself must be ours (mix-up attacks).
            if "iss" in request.GET and request.GET["iss"] != oidc.discovery()["issuer"]:
                raise SuspiciousOperation("the answer comes from another issuer")
            return super().get(request)
        except SuspiciousOperation as error:  # tampered token, replayed state, …
            logger.warning("OIDC: sign-in rejected (%s)", error)
            return refusal_page(request, "failed", status=400)
        except (requests.RequestException, oidc.ProviderUnavailable) as error:
            logger.warning("OIDC: provider not reachable (%s)", type(error).__name__)
            return render(request, "sso/unavailable.html", status=503)

    def login_failure(self):
        return refusal_page(self.request, accounts.refusal_of(self.request) or "failed")


class PortalLogoutView(oidc_views.OIDCLogoutView):
    """Logout (POST): ends the portal session, and with OIDC the provider's session too
    (OIDC_OP_LOGOUT_URL_METHOD is intranet.sso.oidc.provider_logout_url)."""


@csrf_exempt  # the provider posts server to server, with no cookie (Back-Channel Logout 1.0)
@login_not_required
@require_POST
@_oidc_only
def backchannel_logout(request):
    try:
        oidc.backchannel_logout(request.POST.get("logout_token", ""))
    except SuspiciousOperation as error:
        logger.warning("OIDC: logout token rejected (%s)", error)
        response = HttpResponseBadRequest(
            '{"error": "invalid_request"}', content_type="application/json"
        )
    except oidc.ProviderUnavailable:
        response = HttpResponse(status=503)
    else:
        response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"
    return response
