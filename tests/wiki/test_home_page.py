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


def test_directory_search_box_and_my_rooms(client_32):
    html = client_32.get("/").content.decode()
    assert 'action="/personen/"' in html and 'name="q"' in html
    assert "Meine Räume" in html
    assert 'data-testid="home-rooms"' in html


def test_my_rooms_show_only_the_persons_own_unread_counts(client_32, person_in_32, amt_32):
    from chat import services as chat_services
    from chat.models import Room
    from tests.support.factories import PersonFactory

    room = Room.objects.get(amt=amt_32)
    colleague = PersonFactory(unit=amt_32)
    chat_services.message_send(user=colleague.user, room_id=room.pk, client_id="h1", text="Hallo")
    chat_services.message_send(user=colleague.user, room_id=room.pk, client_id="h2", text="Da?")
    html = client_32.get("/").content.decode()
    assert f'href="/chat/raum/{room.pk}/"' in html
    assert "2 ungelesen" in html
    client_32.force_login(colleague.user)  # the author has read their own messages
    assert 'data-testid="home-room-unread"' not in client_32.get("/").content.decode()


def test_wissen_navigation_leads_to_the_wagtail_page(client_32, section_32):
    html = client_32.get("/wissen/").content.decode()
    assert 'href="/wissen/" aria-current="page"' in html
    assert section_32.title in html
