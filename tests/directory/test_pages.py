"""Directory pages: profile, own data, org chart, unit pages, rate limit and page size (S5)."""

import datetime
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import services
from directory.models import OrgUnit, Visibility
from intranet import ratelimit
from tests.support.factories import PersonFactory, abteilung

pytestmark = pytest.mark.django_db


def _queries(client, url, **params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(context.captured_queries), response


def test_profile_links_deputy_unit_chat_and_vcard(client_32, person_in_32, colleague_in_32):
    services.person_profile_update(
        person=colleague_in_32,
        deputy=person_in_32,
        absent_until=timezone.localdate() + datetime.timedelta(days=5),
    )
    html = client_32.get(f"/personen/{colleague_in_32.uuid}/").content.decode()
    assert f"/personen/{person_in_32.uuid}/" in html  # the deputy
    assert f"/personen/einheit/{colleague_in_32.unit_id}/" in html
    assert f"/personen/{colleague_in_32.uuid}/vcard/" in html
    assert f'href="/chat/amt/{colleague_in_32.unit.amt.pk}/"' in html
    assert "Abwesend bis" in html
    assert "Diese Angaben pflegt die Personalverwaltung." in html


def test_chat_link_leads_to_the_amts_room(client_32, colleague_in_32):
    from chat.models import Room

    html = client_32.get(f"/personen/{colleague_in_32.uuid}/").content.decode()
    link = f"/chat/amt/{colleague_in_32.unit.amt.pk}/"
    assert f'href="{link}"' in html
    room = Room.objects.get(amt=colleague_in_32.unit.amt)
    assert client_32.get(link)["Location"] == f"/chat/raum/{room.pk}/"


def test_past_absence_is_not_shown(client_32, colleague_in_32):
    services.person_profile_update(
        person=colleague_in_32, absent_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert (
        "Abwesend bis" not in client_32.get(f"/personen/{colleague_in_32.uuid}/").content.decode()
    )


def test_unknown_or_departed_profile_is_404(client_32, colleague_in_32, central_hr):
    services.person_deactivate(person=colleague_in_32, actor=central_hr.user)
    for url in ("", "vcard/", "foto/"):
        assert client_32.get(f"/personen/{colleague_in_32.uuid}/{url}").status_code == 404
    assert client_32.get(f"/personen/api/personen/{colleague_in_32.uuid}/").status_code == 404


def test_profile_query_count_is_fixed(client_32, colleague_in_32, amt_32):
    first, _response = _queries(client_32, f"/personen/{colleague_in_32.uuid}/")
    for index in range(4):
        colleague_in_32.further_units.add(abteilung(amt=amt_32, suffix=str(index + 1)))
    services.person_profile_update(person=colleague_in_32, deputy=PersonFactory(unit=amt_32))
    again, _response = _queries(client_32, f"/personen/{colleague_in_32.uuid}/")
    assert again == first


def test_own_profile_edit_changes_voluntary_data_only(client_32, person_in_32):
    response = client_32.post(
        "/personen/ich/bearbeiten/",
        {
            "mobile": "0151 1234567",
            "mobile_visibility": Visibility.AMT,
            "languages": "Englisch",
            "languages_visibility": Visibility.ALL,
            "topics": "",
            "topics_visibility": Visibility.SELF,
            "about": "",
            "about_visibility": Visibility.SELF,
            "photo_visibility": Visibility.SELF,
            "absent_until": "",
            "deputy_email": "",
            # Official fields are not part of the form and are ignored.
            "first_name": "Gefälscht",
            "function": "Oberbürgermeisterin",
        },
    )
    assert response.status_code == 302
    person_in_32.refresh_from_db()
    assert (person_in_32.mobile, person_in_32.mobile_visibility) == ("0151 1234567", "amt")
    assert person_in_32.languages_visibility == Visibility.ALL
    assert person_in_32.first_name == "Lena"
    assert person_in_32.function == "Sachbearbeitung"


def test_profile_edit_shows_german_errors(client_32, person_in_32):
    response = client_32.post(
        "/personen/ich/bearbeiten/",
        {
            "mobile": "ruf mich an",
            "mobile_visibility": "alle",
            "deputy_email": "niemand@stadt.example",
            "photo_visibility": "self",
            "languages_visibility": "self",
            "topics_visibility": "self",
            "about_visibility": "self",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte nur Ziffern" in html
    assert "Unter dieser Adresse ist niemand im Verzeichnis." in html
    assert 'aria-invalid="true"' in html


def test_deputy_by_email(client_32, person_in_32, colleague_in_32):
    client_32.post(
        "/personen/ich/bearbeiten/",
        {
            "deputy_email": colleague_in_32.email.upper(),
            **{
                f"{f}_visibility": "self"
                for f in ("photo", "mobile", "languages", "topics", "about")
            },
        },
    )
    person_in_32.refresh_from_db()
    assert person_in_32.deputy == colleague_in_32


def test_others_cannot_edit_a_profile(client, colleague_in_32, person_in_32):
    assert not services.PROFILE_FIELDS & {"first_name", "unit", "function", "phone", "email"}
    with pytest.raises(ValueError):
        services.person_profile_update(person=person_in_32, function="x")
    # The edit page always edits the logged-in person's own profile; there is no id in it.
    client.force_login(colleague_in_32.user)
    client.post("/personen/ich/bearbeiten/", {"mobile": "0151 1", "mobile_visibility": "all"})
    person_in_32.refresh_from_db()
    assert person_in_32.mobile == ""


def test_org_chart_shows_the_tree(client_32, amt_32):
    abteilung(amt=amt_32, suffix="1", name="Bürgerservice")
    count, response = _queries(client_32, "/personen/organisation/")
    html = response.content.decode()
    assert "32 – Amt für öffentliche Ordnung" in html and "32.1 – Bürgerservice" in html
    abteilung(amt=amt_32, suffix="2", name="Verkehr")
    again, _response = _queries(client_32, "/personen/organisation/")
    assert again == count


def test_unit_page_shows_leader_members_contact_and_sub_units(client_32, amt_32, person_in_32):
    sub = abteilung(amt=amt_32, suffix="1", name="Bürgerservice")
    services.org_unit_update(
        unit=amt_32,
        leader=person_in_32,
        phone="0711 216-32000",
        email="amt32@stadt.example",
        actor=services.SYSTEM,
    )
    count, response = _queries(client_32, f"/personen/einheit/{amt_32.pk}/")
    html = response.content.decode()
    assert person_in_32.full_name in html
    assert "0711 216-32000" in html and "amt32@stadt.example" in html
    assert f"/personen/einheit/{sub.pk}/" in html
    assert f'href="/chat/amt/{amt_32.pk}/"' in html
    for _index in range(8):
        other = PersonFactory(unit=amt_32)
        other.further_units.add(sub)
    again, response = _queries(client_32, f"/personen/einheit/{amt_32.pk}/")
    assert again == count
    assert response.content.decode().count('data-testid="directory-result"') == 9


def test_referat_page_has_no_chat_link(client_32, amt_32):
    html = client_32.get(f"/personen/einheit/{amt_32.parent_id}/").content.decode()
    assert 'data-testid="chat-link"' not in html
    assert OrgUnit.objects.get(pk=amt_32.parent_id).kind == OrgUnit.Kind.REFERAT


def test_search_is_rate_limited(client_32, person_in_32, settings):
    settings.DIRECTORY_SEARCH_PER_MINUTE = 3

    # The window is a fixed minute: start at the top of the next one, so that the requests
    # cannot straddle a minute boundary (CI would then see a 200 instead of the 429).
    top_of_minute = (int(time.time()) // 60 + 1) * 60
    with time_machine.travel(top_of_minute, tick=True):
        for rate in ratelimit.directory_rates():
            ratelimit.reset("directory", person_in_32.user.pk, rate)
        for _ in range(3):
            assert client_32.get("/personen/", {"q": "Müller"}).status_code == 200
        limited = client_32.get("/personen/", {"q": "Müller", "seite": 2})
        assert limited.status_code == 429
        assert 0 < int(limited["Retry-After"]) <= 60
        assert client_32.get("/personen/api/suche/", {"q": "Müller"}).status_code == 429
    # Without a query there is nothing to scrape, and the page still answers.
    assert client_32.get("/personen/").status_code == 200


def test_page_size_and_reach_are_capped(client_32, amt_32):
    for index in range(60):
        PersonFactory(unit=amt_32, first_name="Ida", last_name=f"Massentest{index:02d}")
    data = client_32.get("/personen/api/suche/", {"q": "Massentest", "anzahl": 1000}).json()
    assert len(data["results"]) == 50
    assert data["count"] == 60
    data = client_32.get("/personen/api/suche/", {"q": "Massentest"}).json()
    assert len(data["results"]) == 20


def test_reach_is_capped_at_max_results(client_32, amt_32, monkeypatch):
    from directory import views

    monkeypatch.setattr(views, "MAX_RESULTS", 5)
    for index in range(8):
        PersonFactory(unit=amt_32, first_name="Ida", last_name=f"Grenze{index}")
    data = client_32.get("/personen/api/suche/", {"q": "Grenze", "seite": 3}).json()
    assert data["count"] == 5


def test_home_page_has_the_search_box(client_32):
    html = client_32.get("/", follow=True).content.decode()
    assert 'data-testid="directory-search-form"' in html
    assert 'action="/personen/"' in html


def test_nav_points_to_the_search(client_32):
    html = client_32.get("/personen/").content.decode()
    assert 'data-testid="under-construction"' not in html
    assert 'data-testid="directory-search-form"' in html
