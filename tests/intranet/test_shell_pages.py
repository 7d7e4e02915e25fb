"""The intranet shell: home page, navigation, placeholders and admin access."""

import pytest

from tests.support.queries import assert_query_count

pytestmark = pytest.mark.django_db


def test_home_page_greets_the_person_with_their_amt(client_32, person_in_32):
    html = client_32.get("/").content.decode()
    assert "Guten Tag, Lena" in html
    assert "Lena Müller" in html
    assert "32 – Amt für öffentliche Ordnung" in html


@pytest.mark.parametrize("url", ["/personen/", "/wissen/", "/chat/"])
def test_every_part_of_the_navigation_is_built(client_32, home_page, url):
    response = client_32.get(url, follow=True)
    assert response.status_code == 200
    assert "noch im Aufbau" not in response.content.decode()


def test_navigation_marks_the_current_part(client_32):
    html = client_32.get("/chat/", follow=True).content.decode()
    assert 'href="/chat/" aria-current="page"' in html


def test_accessibility_statement(client_32):
    html = client_32.get("/barrierefreiheit/").content.decode()
    assert "Erklärung zur Barrierefreiheit" in html
    assert "BITV 2.0" in html


def test_admin_is_for_staff_only(client, person_in_32):
    client.force_login(person_in_32.user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
    assert "Kein Zugriff" in response.content.decode()


def test_central_hr_reaches_the_admin(client, person_in_32):
    from directory import services

    person_in_32.user.groups.add(services.central_hr_group_ensure())
    client.force_login(person_in_32.user)
    assert client.get("/admin/").status_code == 200


def test_logout_ends_the_session(client_32):
    response = client_32.post("/abmelden/")
    assert response.status_code == 302
    assert client_32.get("/").status_code == 302


def test_home_page_query_count_is_fixed(client_32):
    client_32.get("/")  # warm Wagtail's site cache
    # user, site with root page, page, alias check, view restrictions, person with unit tree,
    # 2× permissions (admin link) – no session write within the refresh interval;
    # the wiki's home page content: the user's Ämter, their sections, hidden sections
    # (groups, restrictions), news, newest training material (tests/wiki for its growth);
    # "Meine Räume": the chat rooms with the person's own unread counts in one query.
    with assert_query_count(15):
        client_32.get("/")
