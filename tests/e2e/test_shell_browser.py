"""Log in through a real browser against daphne and check the shell with axe-core."""

import pytest

from tests.e2e.conftest import serious_violations
from tests.support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, server, username):
    page.goto(f"{server.url}/")
    assert "/anmelden/" in page.url
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{server.url}/")


def test_login_and_home_page_are_accessible(daphne_server, page, person_in_32, home_page):
    csp_errors = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{daphne_server.url}/anmelden/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert serious_violations(page) == []

    _log_in(page, daphne_server, person_in_32.user.username)
    assert page.get_by_role("heading", level=1).inner_text() == "Guten Tag, Lena"
    assert page.get_by_test_id("current-user").inner_text().startswith("Lena Müller")
    assert "32 – Amt für öffentliche Ordnung" in page.get_by_test_id("current-user").inner_text()
    assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert serious_violations(page) == []
    # KERN's stylesheet came from the portal and applied (P10: no CDN).
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Fira Sans" in font
    assert csp_errors == []

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Chat").click()
    assert page.get_by_test_id("chat-room-heading").is_visible()
    assert serious_violations(page) == []


def test_skip_link_and_language_switch(daphne_server, page, person_in_32):
    _log_in(page, daphne_server, person_in_32.user.username)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Home", exact=True).is_visible()
    assert serious_violations(page) == []


def test_home_page_works_on_a_phone(daphne_server, phone_page, person_in_32, home_page):
    _log_in(phone_page, daphne_server, person_in_32.user.username)
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Guten Tag, Lena"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    assert serious_violations(phone_page) == []
