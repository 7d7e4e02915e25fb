"""OpenID Connect sign-in on top of mozilla-django-oidc (docs/authentication.md).

mozilla-django-oidc brings the authorization code flow with `state`, `nonce` and PKCE.
What it lacks is added here on PyJWT (its own JOSE library): the endpoints from the
discovery document, ID tokens checked for `iss` and `aud` as well as signature and `exp`,
a JWKS cache that follows key rotation, accounts keyed on `iss` + `sub` (never on the
e-mail address, mozilla-django-oidc#102), RP-initiated logout and Back-Channel Logout 1.0.
"""

import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from directory.services import user_sessions_end
from intranet.sso import accounts
from intranet.sso.models import ExternalIdentity

logger = logging.getLogger(__name__)

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
DISCOVERY_SECONDS = 60 * 60
JWKS_SECONDS = 60 * 60
CLOCK_LEEWAY_SECONDS = 60
LOGOUT_TOKEN_MAX_AGE_SECONDS = 10 * 60


class ProviderUnavailable(Exception):
    """The identity provider did not answer (or answered nonsense)."""


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {type(error).__name__}") from error


def discovery() -> dict:
    """The provider's discovery document (OpenID Connect Discovery 1.0), cached for an hour."""
    issuer = settings.OIDC_ISSUER
    key = f"sso:oidc:discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
        # The document must speak for the configured issuer (Discovery 1.0, section 4.3).
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ProviderUnavailable("issuer of the discovery document does not match")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def _jwks(*, refresh: bool) -> list[jwt.PyJWK]:
    uri = discovery()["jwks_uri"]
    key = f"sso:oidc:jwks:{uri}"
    cached = cache.get(key)
    minimum_age = getattr(settings, "OIDC_JWKS_MIN_REFRESH_SECONDS", 10)
    if cached is None or (refresh and time.time() - cached["fetched"] >= minimum_age):
        cached = {"fetched": time.time(), "jwks": _get_json(uri)}
        cache.set(key, cached, JWKS_SECONDS)
    try:
        key_set = jwt.PyJWKSet.from_dict(cached["jwks"])
    except jwt.PyJWKSetError:
        return []
    return [jwk for jwk in key_set.keys if getattr(jwk, "public_key_use", None) in (None, "sig")]


def signing_key(*, kid: str | None, alg: str) -> jwt.PyJWK:
    """The provider's key for this token. An unknown `kid` fetches the JWKS again, once:
    that is how a rotated key becomes known without a restart."""
    for refresh in (False, True):
        candidates = [
            jwk
            for jwk in _jwks(refresh=refresh)
            if (kid is None or jwk.key_id == kid) and jwk.algorithm_name in (alg, None)
        ]
        if len(candidates) == 1 or (candidates and kid is not None):
            return candidates[0]
    raise SuspiciousOperation("no key of the provider matches the token")


def decode_signed(token: str, *, required: tuple[str, ...], typ: str | None = None) -> dict:
    """A JWT from the provider, checked: signature against the provider's JWKS with the one
    allowed asymmetric algorithm (never `none`), `iss`, `aud` (this client), `exp`/`iat`."""
    if not isinstance(token, str) or not token:
        raise SuspiciousOperation("no token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise SuspiciousOperation("malformed token") from error
    alg = header.get("alg")
    if alg != settings.OIDC_RP_SIGN_ALGO:
        raise SuspiciousOperation(f"algorithm {alg!r} is not allowed")
    if typ is not None and header.get("typ") not in (None, typ, f"application/{typ}"):
        raise SuspiciousOperation("wrong token type")
    key = signing_key(kid=header.get("kid"), alg=alg)
    try:
        payload = jwt.decode(
            token,
            key=key.key,
            algorithms=[alg],
            audience=settings.OIDC_RP_CLIENT_ID,
            issuer=discovery()["issuer"],
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": list(required), "verify_aud": True, "verify_iss": True},
        )
    except jwt.InvalidTokenError as error:
        raise SuspiciousOperation(f"token rejected: {type(error).__name__}") from error
    audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
    # More than one audience: the token must have been issued to this client (Core 3.1.3.7).
    if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
        raise SuspiciousOperation("azp does not name this client")
    return payload


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """The code flow's backend with endpoints from discovery and accounts on `iss` + `sub`."""

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads fixed endpoint settings here; ours come from discovery.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 - the name mozilla-django-oidc reads
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return discovery().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return discovery()["jwks_uri"]

    def verify_token(self, token, **kwargs):
        payload = decode_signed(token, required=("iss", "aud", "exp", "iat", "sub"))
        if "nonce" in kwargs:
            nonce = kwargs["nonce"]
            if not nonce or payload.get("nonce") != nonce:
                raise SuspiciousOperation("nonce does not match")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claim = settings.OIDC_PERSONNEL_NUMBER_CLAIM
        claims = dict(payload)
        if claim not in claims and self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            # The UserInfo response must be about the same subject (Core 5.3.2).
            if userinfo.get("sub") != payload["sub"]:
                raise SuspiciousOperation("userinfo is about another subject")
            claims = {**userinfo, **payload}
        number = claims.get(claim)
        try:
            return accounts.user_for_identity(
                issuer=payload["iss"],
                subject=payload["sub"],
                personnel_number=str(number) if number is not None else None,
            )
        except accounts.LoginRefused as refused:
            accounts.refusal_note(self.request, refused.code)
            return None


def provider_logout_url(request) -> str:
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the provider ends its
    own session too and sends the browser back to the portal's login page."""
    fallback = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if settings.PORTAL_AUTH_MODE != "oidc" or not id_token:
        return fallback
    try:
        end_session = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return fallback
    if not end_session:
        return fallback
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{end_session}?{query}"


def logout_token_validate(token: str) -> dict:
    """A logout token (Back-Channel Logout 1.0, section 2.6): signed by the provider for this
    client, with the logout event, a `sub`, no `nonce`, recent, and never seen before."""
    claims = decode_signed(token, required=("iss", "aud", "iat", "jti", "events"), typ="logout+jwt")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
        raise SuspiciousOperation("no back-channel logout event")
    if "nonce" in claims:
        raise SuspiciousOperation("a logout token carries no nonce")
    if not claims.get("sub"):
        # The portal registers backchannel_logout_session_required=false: it ends all
        # sessions of the person, and needs the subject to know whose.
        raise SuspiciousOperation("no sub")
    if claims["iat"] < time.time() - LOGOUT_TOKEN_MAX_AGE_SECONDS:
        raise SuspiciousOperation("logout token too old")
    if not cache.add(
        f"sso:oidc:jti:{claims['iss']}:{claims['jti']}", 1, LOGOUT_TOKEN_MAX_AGE_SECONDS * 2
    ):
        raise SuspiciousOperation("logout token replayed")
    return claims


@transaction.atomic
def backchannel_logout(token: str) -> int:
    """End every portal session and open socket of the logout token's subject, through the
    offboarding path (directory.services.user_sessions_end). Returns the sessions ended."""
    claims = logout_token_validate(token)
    ended = 0
    for identity in ExternalIdentity.objects.select_related("user").filter(
        issuer=claims["iss"], subject=claims["sub"]
    ):
        ended += user_sessions_end(user=identity.user)
    return ended
