"""Home page → training page → search in a real browser, checked with axe-core."""

import pytest

from tests.e2e.conftest import serious_violations
from tests.support.factories import TEST_PASSWORD
from tests.wiki.conftest import (
    add_knowledge_page,
    add_training_page,
    restrict_to_amt,
    site_tree_ensure,
)
from wiki.models import AmtSectionPage
from wiki.services import amt_section_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wiki_content(person_in_32):
    site_tree_ensure()
    amt = person_in_32.unit.amt
    amt_section_ensure(amt=amt)
    section = AmtSectionPage.objects.get(amt=amt)
    training = add_training_page(
        section,
        title="E-Akte: Grundlagenschulung",
        summary="Einführung in die elektronische Akte.",
        owner=person_in_32,
        location="Rathaus, Schulungsraum 2.014",
    )
    add_knowledge_page(
        section,
        title="Ablage in der E-Akte",
        summary="Wie Dokumente in der E-Akte abgelegt werden.",
        owner=person_in_32,
    )
    return training


def _log_in(page, server, username):
    page.goto(f"{server.url}/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{server.url}/")


def test_home_to_training_page_to_search(daphne_server, page, person_in_32, wiki_content):
    _log_in(page, daphne_server, person_in_32.user.username)
    assert page.get_by_test_id("home-rooms").is_visible()
    assert serious_violations(page) == []

    page.get_by_test_id("home-training").get_by_role(
        "link", name="E-Akte: Grundlagenschulung"
    ).click()
    page.wait_for_url(f"{daphne_server.url}{wiki_content.url}")
    assert page.get_by_test_id("training-page").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "E-Akte: Grundlagenschulung"
    assert page.get_by_role("navigation", name="Brotkrümelnavigation").is_visible()
    assert serious_violations(page) == []

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Wissen"
    ).click()
    page.get_by_test_id("wiki-search-input").fill("E-Akte")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/wissen/suche/?q=E-Akte")
    results = page.get_by_test_id("search-results")
    assert "Ablage in der E-Akte" in results.inner_text()
    assert results.locator("mark").count() >= 1
    assert serious_violations(page) == []
    results.locator("a", has_text="Ablage in der E-").click()
    assert page.get_by_test_id("knowledge-page").is_visible()
    assert serious_violations(page) == []


def test_knowledge_page_with_a_table_works_on_a_phone(
    daphne_server, phone_page, person_in_32, wiki_content
):
    section = AmtSectionPage.objects.get(amt=person_in_32.unit.amt)
    page = add_knowledge_page(
        section,
        title="Videokonferenzen",
        owner=person_in_32,
        body=[
            {"type": "heading_block", "value": {"heading_text": "Vorbereitung", "size": "h2"}},
            {
                "type": "callout_block",
                "value": {"kind": "achtung", "title": "Datenschutz", "text": "<p>Keine Daten.</p>"},
            },
            {
                "type": "table_block",
                "value": {
                    "caption": "Ausstattung",
                    "headers": ["Gerät", "Hinweis", "Ausleihe", "Ansprechperson"],
                    "rows": [{"cells": ["Headset", "beim Service Desk", "ja", "Service Desk"]}],
                },
            },
            {"type": "steps_block", "value": {"title": "Starten", "steps": ["<p>Öffnen.</p>"]}},
        ],
    )
    _log_in(phone_page, daphne_server, person_in_32.user.username)
    phone_page.goto(f"{daphne_server.url}{page.url}")
    assert phone_page.get_by_role("table").get_by_role("columnheader", name="Gerät").count() == 1
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    assert serious_violations(phone_page) == []


def test_restricted_page_opened_directly_by_an_outsider_says_kein_zugriff(
    daphne_server, page, person_in_32, person_in_50, wiki_content
):
    """Issue 11: as from a link posted in a cross-office room; it used to loop between the
    page and the login until Chromium gave up (ERR_TOO_MANY_REDIRECTS)."""
    section = AmtSectionPage.objects.get(amt=person_in_32.unit.amt)
    secret = add_knowledge_page(
        section,
        title="Dienstanweisung Vollstreckungsinnendienst",
        body=[{"type": "paragraph_block", "value": "<p>Interne Abläufe.</p>"}],
        owner=person_in_32,
    )
    restrict_to_amt(secret, section.amt)
    _log_in(page, daphne_server, person_in_50.user.username)
    url = f"{daphne_server.url}{secret.url}"
    response = page.goto(url)
    assert response.status == 403
    assert response.request.redirected_from is None
    assert page.url == url
    assert page.get_by_role("heading", level=1).inner_text() == "Kein Zugriff"
    content = page.content()
    assert "Vollstreckungsinnendienst" not in content
    assert "Interne Abläufe" not in content
    assert serious_violations(page) == []
