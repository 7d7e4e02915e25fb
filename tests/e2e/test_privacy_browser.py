"""The transparency page and "Meine Daten" in a real browser: German, accessible, on a phone."""

import json

import pytest

from tests.e2e.conftest import serious_violations
from tests.support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, server, username):
    page.goto(f"{server.url}/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{server.url}/")


def test_transparency_page_from_the_footer(daphne_server, page, person_in_32):
    _log_in(page, daphne_server, person_in_32.user.username)
    page.get_by_role("link", name="Welche Daten speichert das Portal?").click()
    page.wait_for_url(f"{daphne_server.url}/transparenz/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == "Welche Daten speichert das Portal?"
    assert page.get_by_test_id("feature-presence").is_visible()
    assert page.get_by_test_id("category").count() >= 5
    assert serious_violations(page) == []


def test_my_data_page_and_download(daphne_server, page, person_in_32):
    _log_in(page, daphne_server, person_in_32.user.username)
    page.get_by_role("contentinfo").get_by_role("link", name="Meine Daten").click()
    page.wait_for_url(f"{daphne_server.url}/meine-daten/")
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Daten"
    assert "Müller" in page.get_by_test_id("my-data").inner_text()
    assert page.get_by_test_id("my-settings").is_visible()
    assert serious_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_test_id("my-data-download").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert data["username"] == person_in_32.user.username
    assert data["categories"]


@pytest.mark.parametrize("url", ["/transparenz/", "/meine-daten/"])
def test_privacy_pages_work_on_a_phone(daphne_server, phone_page, person_in_32, url):
    _log_in(phone_page, daphne_server, person_in_32.user.username)
    phone_page.goto(f"{daphne_server.url}{url}")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{url} scrolls sideways on a phone ({width}px)"
    assert serious_violations(phone_page) == []
