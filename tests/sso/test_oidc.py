"""OpenID Connect sign-in against a real OpenID provider (tests/support/oidc.py): the code
flow with PKCE, state and nonce, accounts on iss + sub, refusals, tampered tokens, key
rotation, RP-initiated and back-channel logout."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import parse_qs, quote, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation

from directory.models import Person
from intranet.models import AuditEntry
from intranet.sso import oidc
from intranet.sso.models import ExternalIdentity
from tests.support.factories import TEST_PASSWORD, PersonFactory, UserFactory
from tests.support.oidc import CLIENT_ID, provider_login, provider_logout, rsa_key

pytestmark = [pytest.mark.django_db, pytest.mark.oidc]

START = "/anmelden/stadtkonto/"


def _sign_in(client, login, *, next_url=None, browser=None):
    start = client.get(START + (f"?next={quote(next_url)}" if next_url else ""))
    assert start.status_code == 302, start.content[:500]
    authorize = urlsplit(start["Location"])
    query = parse_qs(authorize.query)
    # PKCE, state and nonce on every request to the provider
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    browser = browser or requests.Session()
    back = urlsplit(provider_login(browser, start["Location"], login))
    assert back.netloc == "testserver", back
    return client.get(f"{back.path}?{back.query}"), f"{back.path}?{back.query}", browser


def _user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def lena(amt_32):
    return PersonFactory(
        unit=amt_32,
        personnel_number="T300001",
        first_name="Lena",
        last_name="Müller",
        email="lena.mueller@stadt.example",
    )


def test_login_page_offers_the_city_account_and_hides_local_passwords(client, oidc_mode, settings):
    page = client.get("/anmelden/?next=/personen/").content.decode()
    assert "Mit dem Stadt-Konto anmelden" in page
    assert f'href="{START}?next=/personen/"' in page
    assert 'name="password"' not in page

    settings.PORTAL_BREAK_GLASS_ACCOUNTS = ["notfall"]
    page = client.get("/anmelden/").content.decode()
    assert "Notfallzugang" in page and 'name="password"' in page


def test_city_account_signs_in_as_the_directory_person(client, oidc_mode, lena):
    people = Person.objects.count()

    response, _callback, _browser = _sign_in(client, "lena", next_url="/personen/")

    assert response.status_code == 302 and response["Location"] == "/personen/"
    assert _user_id(client) == str(lena.user.pk)
    assert Person.objects.count() == people
    identity = ExternalIdentity.objects.get(user=lena.user)
    assert (identity.issuer, identity.subject) == (oidc_mode.issuer, "lena")
    lena.user.refresh_from_db()
    assert lena.user.last_login is None  # P1: no login time, no login history


def test_the_personnel_number_claim_is_configurable(client, oidc_mode, lena, settings):
    response, _callback, _browser = _sign_in(client, "anders")
    assert response.status_code == 403 and "keine Personalnummer" in response.content.decode()

    settings.OIDC_PERSONNEL_NUMBER_CLAIM = "employee_number"
    fresh = client.__class__()
    response, _callback, _browser = _sign_in(fresh, "anders")
    assert response.status_code == 302 and _user_id(fresh) == str(lena.user.pk)


UNSAFE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_next_pointing_elsewhere_is_dropped(client, oidc_mode, lena, next_url):
    response, _callback, _browser = _sign_in(client, "lena", next_url=next_url)
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def break_glass(settings):
    """A break-glass account and a client address of their own: with Redis as the cache,
    failure counts and lock-outs outlive the test (and the test run)."""
    name = f"notfall-{uuid.uuid4().hex[:8]}"
    UserFactory(username=name, is_staff=True)
    settings.PORTAL_BREAK_GLASS_ACCOUNTS = [name]
    return name, f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def _password_login(client, username, password, address, next_url=""):
    return client.post(
        "/anmelden/",
        {"username": username, "password": password, "next": next_url},
        REMOTE_ADDR=address,
    )


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_break_glass_login_is_audited_and_keeps_next_on_the_site(
    client, oidc_mode, break_glass, amt_32, next_url
):
    name, address = break_glass
    employee = PersonFactory(unit=amt_32)  # has a local password, as the demo data does

    refused = _password_login(client, employee.user.username, TEST_PASSWORD, address)
    assert refused.status_code == 200 and _user_id(client) is None

    response = _password_login(client, name, TEST_PASSWORD, address, next_url)
    assert response.status_code == 302 and response["Location"] == "/"
    entry = AuditEntry.objects.get(action="auth.break_glass.login")
    assert entry.actor.username == name


def test_break_glass_login_is_rate_limited(client, oidc_mode, break_glass, settings):
    name, address = break_glass
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5

    codes = [_password_login(client, name, f"falsch-{n}", address).status_code for n in range(6)]

    assert codes == [200] * 4 + [429] * 2  # the fifth failure locks the account
    assert _password_login(client, name, TEST_PASSWORD, address).status_code == 429
    assert _user_id(client) is None
    assert not AuditEntry.objects.filter(action="auth.break_glass.login").exists()
    assert AuditEntry.objects.filter(action="security.login_lockout").count() == 1


def test_the_account_is_keyed_on_iss_and_sub_never_on_the_email(client, oidc_mode, lena, amt_32):
    # "mailgleich" has lena's e-mail address but another personnel number
    other = PersonFactory(unit=amt_32, personnel_number="T300002")
    _sign_in(client, "mailgleich")
    assert _user_id(client) == str(other.user.pk)

    # "doppelt" carries lena's personnel number, but lena's user is already linked to
    # the account "lena": no second account takes it over
    _sign_in(client.__class__(), "lena")
    second = client.__class__()
    response, _callback, _browser = _sign_in(second, "doppelt")
    assert response.status_code == 403 and _user_id(second) is None
    assert "bereits mit einem anderen Stadt-Konto" in response.content.decode()


@pytest.mark.parametrize(
    ("login", "text"),
    [
        ("fremd", "keinen Eintrag im Personenverzeichnis"),
        ("ausgeschieden", "nicht mehr aktiv"),
        ("ohne.nummer", "keine Personalnummer"),
    ],
)
def test_refused_logins_get_a_german_page_and_create_nothing(
    client, oidc_mode, amt_32, login, text
):
    gone = PersonFactory(unit=amt_32, personnel_number="T300004")
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    counts = (Person.objects.count(), get_user_model().objects.count())

    response, _callback, _browser = _sign_in(client, login)

    assert response.status_code == 403
    assert text in response.content.decode()
    assert _user_id(client) is None
    assert (Person.objects.count(), get_user_model().objects.count()) == counts
    assert not ExternalIdentity.objects.exists()


def test_a_replayed_state_is_refused(client, oidc_mode, lena):
    _response, callback, browser = _sign_in(client, "lena")
    assert _user_id(client) == str(lena.user.pk)

    # the same answer from the provider in another browser: no state there
    thief = client.__class__()
    assert thief.get(callback).status_code == 403
    assert _user_id(thief) is None

    # and in the same browser, while a new sign-in is under way: the state was used up
    client.logout()
    client.get(START)
    response = client.get(callback)
    assert response.status_code == 400
    assert _user_id(client) is None


def _token(provider, *, key=None, kid=None, alg="RS256", headers=None, **claims):
    now = int(time.time())
    payload = {
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "sub": "lena",
        "iat": now,
        "exp": now + 300,
        "nonce": "nonce-1",
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    private, current_kid = provider.signing_key
    return jwt.encode(
        payload,
        key or private,
        algorithm=alg,
        headers={"kid": kid or current_kid, **(headers or {})},
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_genuine_id_token_passes(oidc_mode):
    payload = oidc.PortalOIDCBackend().verify_token(_token(oidc_mode), nonce="nonce-1")
    assert payload["sub"] == "lena"


@pytest.mark.parametrize(
    "tampering",
    [
        "wrong_aud",
        "wrong_iss",
        "expired",
        "foreign_key",
        "unknown_kid",
        "alg_none",
        "hs256_with_public_key",
        "wrong_nonce",
    ],
)
def test_tampered_id_tokens_are_refused(oidc_mode, tampering):
    provider = oidc_mode
    foreign, _jwk = rsa_key("fremd")
    now = int(time.time())
    if tampering == "wrong_aud":
        token = _token(provider, aud="anderer-client")
    elif tampering == "wrong_iss":
        token = _token(provider, iss="https://evil.example")
    elif tampering == "expired":
        token = _token(provider, iat=now - 7200, exp=now - 3600)
    elif tampering == "foreign_key":  # the provider's kid, someone else's signature
        token = _token(provider, key=foreign)
    elif tampering == "unknown_kid":
        token = _token(provider, key=foreign, kid="fremd")
    elif tampering == "alg_none":
        header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        body = _b64(
            json.dumps(
                {
                    "iss": provider.issuer,
                    "aud": CLIENT_ID,
                    "sub": "lena",
                    "iat": now,
                    "exp": now + 300,
                    "nonce": "nonce-1",
                }
            ).encode()
        )
        token = f"{header}.{body}."
    elif tampering == "hs256_with_public_key":  # the classic algorithm confusion
        public_pem = (
            provider.signing_key[0]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        header = _b64(json.dumps({"alg": "HS256", "kid": provider.signing_key[1]}).encode())
        body = _b64(
            json.dumps(
                {
                    "iss": provider.issuer,
                    "aud": CLIENT_ID,
                    "sub": "lena",
                    "iat": now,
                    "exp": now + 300,
                    "nonce": "nonce-1",
                }
            ).encode()
        )
        signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
        token = f"{header}.{body}.{_b64(signature)}"
    else:
        token = _token(provider, nonce="eine-andere")
    with pytest.raises(SuspiciousOperation):
        oidc.PortalOIDCBackend().verify_token(token, nonce="nonce-1")


def test_a_rotated_provider_key_is_fetched_without_a_restart(client, oidc_mode, lena):
    _sign_in(client, "lena")
    assert _user_id(client) == str(lena.user.pk)
    old_kid = oidc_mode.signing_key[1]

    oidc_mode.rotate_keys()  # the provider now signs with a key the portal has not seen

    fresh = client.__class__()
    response, _callback, _browser = _sign_in(fresh, "lena")
    assert response.status_code == 302 and _user_id(fresh) == str(lena.user.pk)
    assert oidc_mode.signing_key[1] != old_kid


def test_logout_ends_the_provider_session_too(client, oidc_mode, lena):
    _response, _callback, browser = _sign_in(client, "lena")

    response = client.post("/abmelden/")

    assert _user_id(client) is None
    end_session = response["Location"]
    assert end_session.startswith(f"{oidc_mode.issuer}/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/anmelden/"]
    assert query["id_token_hint"][0].count(".") == 2
    confirmed = provider_logout(browser, end_session)
    assert confirmed.headers["Location"].startswith("http://testserver/anmelden/")
    # the provider asks for the password again: its session is gone
    start = client.get(START)
    page = browser.get(start["Location"], timeout=10)
    assert 'name="login"' in page.text


def _logout_token(provider, **claims):
    base = {
        "events": {oidc.BACKCHANNEL_LOGOUT_EVENT: {}},
        "jti": uuid.uuid4().hex,
        "nonce": None,
        "exp": None,
    }
    base.update(claims)
    return _token(provider, headers={"typ": "logout+jwt"}, **base)


BACKCHANNEL = "/anmelden/stadtkonto/backchannel-logout/"


def test_backchannel_logout_ends_the_persons_sessions_once(client, oidc_mode, lena):
    _sign_in(client, "lena")
    token = _logout_token(oidc_mode)
    provider_side = client.__class__(enforce_csrf_checks=True)

    response = provider_side.post(BACKCHANNEL, {"logout_token": token})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert client.get("/").status_code == 302  # the session is gone
    assert provider_side.post(BACKCHANNEL, {"logout_token": token}).status_code == 400  # replay


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "anderer-client"},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"nonce": "darf-nicht"},
        {"sub": None},
        {"iat": int(time.time()) - 3600},
    ],
    ids=["wrong_aud", "no_event", "nonce", "no_sub", "too_old"],
)
def test_invalid_logout_tokens_end_nothing(client, oidc_mode, lena, claims):
    _sign_in(client, "lena")

    response = client.__class__().post(
        BACKCHANNEL, {"logout_token": _logout_token(oidc_mode, **claims)}
    )

    assert response.status_code == 400
    assert client.get("/").status_code == 200


def test_oidc_endpoints_are_off_in_other_modes(client, settings):
    assert settings.PORTAL_AUTH_MODE == "local"
    assert client.get(START).status_code == 404
    assert client.post(BACKCHANNEL, {"logout_token": "x"}).status_code == 404
