"""Search → profile → unit page in Chromium, each page checked with axe-core."""

import pytest

from directory import services
from directory.models import Visibility
from tests.e2e.conftest import serious_violations
from tests.support.factories import TEST_PASSWORD, PersonFactory, abteilung

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, server, username):
    page.goto(f"{server.url}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{server.url}/")


@pytest.fixture
def colleague(amt_32, person_in_32):
    sub = abteilung(amt=amt_32, suffix="1", name="Bürgerservice")
    person = PersonFactory(
        unit=sub,
        first_name="Jürgen",
        last_name="Häberle",
        function="Sachbearbeitung Meldewesen",
        responsibilities="Personalausweis, Reisepass",
    )
    services.person_profile_update(
        person=person,
        languages="Schwäbisch, Englisch",
        languages_visibility=Visibility.ALL,
        deputy=person_in_32,
    )
    services.org_unit_update(unit=sub, leader=person, actor=services.SYSTEM)
    return person


def test_search_profile_unit(daphne_server, page, person_in_32, colleague):
    csp_errors = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _log_in(page, daphne_server, person_in_32.user.username)
    # The flushed test database has no Wagtail home page; the search page has the same box.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Personen"
    ).click()
    page.get_by_test_id("directory-search-input").fill("haeberle")
    page.get_by_test_id("directory-search-input").press("Enter")
    page.wait_for_url("**/personen/?q=haeberle")
    assert page.get_by_test_id("result-count").inner_text().startswith("1 Treffer")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Jürgen Häberle").click()
    page.wait_for_url(f"**/personen/{colleague.uuid}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Jürgen Häberle"
    assert "Schwäbisch" in page.get_by_test_id("voluntary-data").inner_text()
    assert page.get_by_test_id("deputy").inner_text() == "Lena Müller"
    assert page.get_by_test_id("chat-link").is_visible()
    assert serious_violations(page) == []

    page.get_by_test_id("unit-link").click()
    assert "32.1 – Bürgerservice" in page.get_by_test_id("unit-title").inner_text()
    assert page.get_by_test_id("unit-leader").inner_text().startswith("Jürgen Häberle")
    assert serious_violations(page) == []
    assert csp_errors == []


def test_own_profile_form_and_org_chart_are_accessible(daphne_server, phone_page, person_in_32):
    _log_in(phone_page, daphne_server, person_in_32.user.username)
    phone_page.goto(f"{daphne_server.url}/personen/ich/bearbeiten/")
    assert phone_page.get_by_role("group", name="Mobilnummer", exact=True).is_visible()
    assert serious_violations(phone_page) == []
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    phone_page.goto(f"{daphne_server.url}/personen/organisation/")
    assert phone_page.get_by_test_id("org-chart").is_visible()
    assert serious_violations(phone_page) == []
