"""S4 and P10: security headers, cookies and no third-party resources."""

import re

import pytest

pytestmark = pytest.mark.django_db

ALLOWED_SOURCES = {"'self'", "'none'", "data:", "blob:", "'unsafe-inline'"}


def _csp(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def test_portal_pages_have_a_strict_policy_with_only_our_own_origin(client_32):
    response = client_32.get("/")
    csp = _csp(response)
    assert csp["default-src"] == {"'self'"}
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["frame-ancestors"] == {"'none'"}
    for values in csp.values():
        assert values <= ALLOWED_SOURCES, values


def test_admin_policy_allows_nothing_from_other_origins(client, settings):
    response = client.get("/admin/")
    for values in _csp(response).values():
        assert values <= ALLOWED_SOURCES, values


def test_baseline_headers(client):
    response = client.get("/anmelden/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_and_secure_cookies_when_debug_is_off(client, person_in_32, settings):
    assert settings.DEBUG is False
    response = client.post(
        "/anmelden/",
        {"username": person_in_32.user.username, "password": "Test-Passwort-2026"},
        secure=True,
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True
    assert int(response["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 31536000


def test_pages_load_nothing_from_other_origins(client_32):
    html = client_32.get("/").content.decode()
    external = re.findall(r'(?:src|href|action)="(https?:)?//[^"]+"', html)
    assert external == []
    assert "/static/kern/kern" in html  # KERN UX is served by the portal itself
