"""Issue 11, item 5: a page restricted to Amt 32, and the documents and images used on it,
answer a clean 403 "Kein Zugriff" to everyone logged in outside Amt 32 (no redirect, no
title, no body), and the Wagtail admin doesn't show their titles to other Ämter.

Each actor is driven through each way in: employee of another Amt, Digital Mover of
another Amt, HR clerk of another Amt, central HR, the IT-operations superuser (who
administers and may therefore see pages, docs/wiki.md) and a member of Amt 32.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from directory import services as directory_services
from directory.models import OfficeRole
from tests.support.factories import PersonFactory
from tests.wiki.conftest import add_knowledge_page, person_with_role, restrict_to_amt

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Dienstanweisung Vollstreckungsinnendienst"
SECRET_BODY = "Interne Abläufe im Vollstreckungsinnendienst"

OUTSIDERS = ("employee_50", "mover_50", "clerk_50", "central_hr")
INSIDERS = ("member_32", "superuser")


@pytest.fixture
def secret_page(section_32, person_in_32):
    page = add_knowledge_page(
        section_32,
        title=SECRET_TITLE,
        slug="dienstanweisung-vollstreckung",
        owner=person_in_32,
        summary="Nur für das Amt für öffentliche Ordnung.",
        body=[{"type": "paragraph_block", "value": f"<p>{SECRET_BODY}</p>"}],
    )
    restrict_to_amt(page, section_32.amt)
    return page


@pytest.fixture
def actors(amt_32, amt_50, person_in_32, person_in_50):
    clerk = PersonFactory(unit=amt_50, first_name="Paula", last_name="Personal")
    directory_services.office_role_grant(
        person=clerk, amt=amt_50, role=OfficeRole.Role.PERSONAL, actor=directory_services.SYSTEM
    )
    central = PersonFactory(unit=amt_50, first_name="Jana", last_name="Schäfer")
    central.user.groups.add(directory_services.central_hr_group_ensure())
    mover = person_with_role(amt_50, OfficeRole.Role.DIGITAL_MOVER, first_name="Jörg")
    superuser = get_user_model().objects.create_superuser("betrieb", "it@stadt.example", "x")
    users = {
        "employee_50": person_in_50.user,
        "mover_50": mover.user,
        "clerk_50": clerk.user,
        "central_hr": central.user,
        "superuser": superuser,
        "member_32": person_in_32.user,
    }
    clients = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


def _text(response) -> str:
    return b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode(errors="replace")


# --- the page itself ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_a_clean_403_for_the_page(secret_page, actors, actor):
    response = actors[actor].get(secret_page.url)
    assert response.status_code == 403
    html = _text(response)
    assert "Kein Zugriff" in html
    assert SECRET_TITLE not in html
    assert SECRET_BODY not in html
    assert "Location" not in response


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_403_below_the_page_too(secret_page, actors, actor):
    """The routable sub-URLs (the feedback form) are refused the same way."""
    response = actors[actor].post(secret_page.url + "rueckmeldung/", {"helpful": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize("actor", INSIDERS)
def test_members_and_the_superuser_read_the_page(secret_page, actors, actor):
    response = actors[actor].get(secret_page.url)
    assert response.status_code == 200
    assert SECRET_BODY in _text(response)


def test_anonymous_visitors_still_go_to_the_login(secret_page, client):
    response = client.get(secret_page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")
