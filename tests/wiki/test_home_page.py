"""The home page brings news, quick links, new training material, the directory search and
"Meine Räume" together, filtered by the person's Ämter."""

import datetime

import pytest

from tests.wiki.conftest import add_news_page, add_training_page, city_section

pytestmark = pytest.mark.django_db


def test_news_of_own_amt_and_city_wide_pinned_first(client_32, section_32, section_50):
    add_news_page(section_32, title="Bürgerbüro schließt früher", date=datetime.date(2026, 11, 20))
    add_news_page(
        city_section(), title="Stadtweit angeheftet", pinned=True, date=datetime.date(2026, 10, 1)
    )
    add_news_page(section_50, title="Nur Sozialamt", date=datetime.date(2026, 11, 23))
    html = client_32.get("/").content.decode()
    assert "Bürgerbüro schließt früher" in html
    assert "Nur Sozialamt" not in html
    assert html.index("Stadtweit angeheftet") < html.index("Bürgerbüro schließt früher")


def test_newest_training_material(client_32, section_50, person_in_50):
    add_training_page(section_50, title="Wohngeld-Software", owner=person_in_50)
    html = client_32.get("/").content.decode()
    assert "Wohngeld-Software" in html  # training of other Ämter is for everyone to find


def test_directory_search_box_and_rooms_placeholder(client_32):
    html = client_32.get("/").content.decode()
    assert 'action="/personen/"' in html and 'name="q"' in html
    assert "Meine Räume" in html
    assert 'data-testid="home-rooms"' in html


def test_wissen_navigation_leads_to_the_wagtail_page(client_32, section_32):
    html = client_32.get("/wissen/").content.decode()
    assert 'href="/wissen/" aria-current="page"' in html
    assert section_32.title in html
