"""The city account in a real browser: Chromium (de-DE, Europe/Berlin) goes from the portal
to the OpenID provider's own login page and back, signed in as the right directory Person,
and "Abmelden" ends the provider's session too (portal under daphne in OIDC mode)."""

import re

import pytest

from tests.e2e.conftest import serious_violations
from tests.support.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.oidc, pytest.mark.django_db(transaction=True)]


def _loopback_only(page):
    """The test provider's pages load a web font from Google: nothing leaves the machine."""
    page.route(
        re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"),
        lambda route: route.abort(),
    )


def _provider_sign_in(page, provider, login: str) -> None:
    page.wait_for_url(f"{provider.issuer}/**")
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill("beliebig")
    page.locator('button[type="submit"]').click()


def test_city_account_sign_in_and_out_in_chromium(page, oidc_portal, openid_provider, amt_32):
    # an e-mail address the provider also sends for another account: it decides nothing
    lena = PersonFactory(
        unit=amt_32, personnel_number="T300001", first_name="Lena", last_name="Müller"
    )
    _loopback_only(page)
    csp_errors = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(f"{oidc_portal.url}/personen/")
    assert "/anmelden/" in page.url
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/Berlin"
    assert page.evaluate("navigator.language") == "de-DE"
    # one primary action, and no password form without break-glass accounts
    primary = page.locator(".kern-btn--primary")
    assert primary.count() == 1
    assert primary.inner_text().strip() == "Mit dem Stadt-Konto anmelden"
    assert page.locator('input[type="password"]').count() == 0
    assert serious_violations(page) == []

    primary.click()
    _provider_sign_in(page, openid_provider, "lena")

    page.wait_for_url(f"{oidc_portal.url}/personen/**")
    user = page.get_by_test_id("current-user").inner_text()
    assert user.startswith("Lena Müller") and "32 – Amt für öffentliche Ordnung" in user
    lena.refresh_from_db()
    assert lena.user.external_identities.get().subject == "lena"

    # "Abmelden": the provider asks to confirm, then sends the browser back to the login page
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(f"{openid_provider.issuer}/**")
    assert csp_errors == []  # the portal's form-action lets the logout go to the provider
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{oidc_portal.url}/anmelden/**")
    page.goto(f"{oidc_portal.url}/personen/")
    assert "/anmelden/" in page.url

    # the provider's session is gone too: it shows its login page again
    page.get_by_role("link", name="Mit dem Stadt-Konto anmelden").click()
    page.wait_for_url(f"{openid_provider.issuer}/**")
    assert page.locator('input[name="login"]').is_visible()
