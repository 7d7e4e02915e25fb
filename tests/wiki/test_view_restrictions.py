"""A page restricted to Amt 32 never shows up, not even its title, for people outside it:
not in search, listings, topics, the home page or the sitemap."""

import json

import pytest
from django.test import Client

from directory.models import OfficeRole
from intranet.models import HomePage
from tests.wiki.conftest import (
    add_knowledge_page,
    add_news_page,
    add_training_page,
    city_section,
    person_with_role,
    restrict_to_amt,
)

pytestmark = pytest.mark.django_db

SECRET = "Dienstanweisung Vollstreckungsinnendienst"


@pytest.fixture
def restricted_pages(section_32, person_in_32):
    page = add_knowledge_page(
        section_32, title=SECRET, owner=person_in_32, summary="Vollstreckung intern"
    )
    page.tags.add("Vollstreckung", "Innendienst-Interna")
    page.save_revision().publish()
    training = add_training_page(section_32, title=f"{SECRET} Schulung", owner=person_in_32)
    news = add_news_page(section_32, title=f"{SECRET} Meldung", pinned=True)
    for restricted in (page, training, news):
        restrict_to_amt(restricted, section_32.amt)
    # A public page with the same word, so an empty result can't pass by accident.
    add_knowledge_page(section_32, title="Vollstreckung: öffentliche Hinweise", owner=person_in_32)
    return page


@pytest.fixture
def outsider(client, person_in_50):
    client.force_login(person_in_50.user)
    return client


@pytest.fixture
def insider(person_in_32):
    client = Client()  # a second browser, beside the outsider's
    client.force_login(person_in_32.user)
    return client


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_page_itself_is_refused(restricted_pages, outsider):
    assert outsider.get(restricted_pages.url).status_code in (302, 403)


def test_search_hides_restricted_pages(restricted_pages, outsider):
    html = _html(outsider, "/wissen/suche/?q=Vollstreckung")
    assert "öffentliche Hinweise" in html
    assert "Vollstreckungsinnendienst" not in html
    assert "1 Treffer" in html


def test_search_shows_them_to_the_amt(restricted_pages, insider):
    html = _html(insider, "/wissen/suche/?q=Vollstreckungsinnendienst")
    assert "Vollstreckungsinnendienst" in html


def test_section_listing_hides_restricted_pages(restricted_pages, outsider, section_32):
    html = _html(outsider, section_32.url)
    assert "öffentliche Hinweise" in html
    assert "Vollstreckungsinnendienst" not in html


def test_topic_listing_hides_restricted_pages(restricted_pages, outsider, insider):
    assert "Vollstreckungsinnendienst" not in _html(outsider, "/wissen/?thema=vollstreckung")


def test_topics_only_restricted_pages_use_are_hidden(restricted_pages, outsider, insider):
    assert "Innendienst-Interna" not in _html(outsider, "/wissen/")
    assert "Innendienst-Interna" in _html(insider, "/wissen/")


def test_topic_listing_shows_them_to_the_amt(restricted_pages, insider):
    assert "Vollstreckungsinnendienst" in _html(insider, "/wissen/?thema=vollstreckung")


def test_home_page_hides_restricted_news_and_training(restricted_pages, outsider, section_50):
    add_news_page(city_section(), title="Stadtweite Meldung")
    html = _html(outsider, "/")
    assert "Stadtweite Meldung" in html
    assert "Vollstreckungsinnendienst" not in html


def test_home_page_shows_them_to_the_amt(restricted_pages, insider):
    html = _html(insider, "/")
    assert f"{SECRET} Meldung" in html
    assert f"{SECRET} Schulung" in html


def test_home_page_quick_links_hide_restricted_pages(restricted_pages, outsider, insider):
    home = HomePage.objects.get()
    home.quick_links = [
        {
            "type": "link",
            "value": {"title": "Geheimer Link", "page": restricted_pages.pk, "url": ""},
        },
        {"type": "link", "value": {"title": "Personen finden", "page": None, "url": "/personen/"}},
    ]
    home.save_revision().publish()
    html = _html(outsider, "/")
    assert "Personen finden" in html
    assert "Geheimer Link" not in html
    assert "Geheimer Link" in _html(insider, "/")


def test_sitemap_hides_restricted_pages(restricted_pages, outsider, insider):
    outsider_xml = _html(outsider, "/sitemap.xml")
    assert "oeffentliche-hinweise" in outsider_xml or "ffentliche" in outsider_xml
    assert restricted_pages.slug not in outsider_xml
    assert restricted_pages.slug in _html(insider, "/sitemap.xml")


def test_sitemap_needs_login(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_admin_page_chooser_hides_restricted_pages(restricted_pages, client, section_32, amt_50):
    mover_50 = person_with_role(amt_50, OfficeRole.Role.DIGITAL_MOVER)
    client.force_login(mover_50.user)
    for url in (
        f"/admin/choose-page/{section_32.pk}/",
        "/admin/choose-page/search/?q=Vollstreckung",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = (
            json.loads(response.content)["html"]
            if response["Content-Type"].startswith("application/json")
            else response.content.decode()
        )
        assert "öffentliche Hinweise" in html, url
        assert "Vollstreckungsinnendienst" not in html, url
