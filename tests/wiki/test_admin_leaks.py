"""Issue 11, item 5: the Wagtail admin doesn't show another Amt's restricted pages to an
editor: not in the explorer (also not as the explored page itself), the admin search, the
choosers or the page bulk actions. Page ids are sequential, so every URL is tried directly.

dm50 is a Digital Mover of Amt 50 (an editor, but outside Amt 32); dm32 is Amt 32's.
"""

import pytest
from django.test import Client

from tests.wiki.conftest import add_knowledge_page, restrict_to_amt

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Dienstanweisung Vollstreckungsinnendienst"
SECRET_SLUG = "dienstanweisung-vollstreckung"
BULK_ACTIONS = ("publish", "unpublish", "delete", "move")


@pytest.fixture
def secret_page(section_32, mover_32):
    page = add_knowledge_page(section_32, title=SECRET_TITLE, slug=SECRET_SLUG, owner=mover_32)
    restrict_to_amt(page, section_32.amt)
    return page


@pytest.fixture
def dm50(mover_50, section_50):
    client = Client()
    client.force_login(mover_50.user)
    return client


@pytest.fixture
def dm32(mover_32):
    client = Client()
    client.force_login(mover_32.user)
    return client


def _refused(response) -> bool:
    """403/404, or Wagtail's answer to a PermissionDenied in the admin: back to the
    dashboard with "Sie haben keine Berechtigung …"."""
    if response.status_code == 302:
        return response["Location"] == "/admin/"
    return response.status_code in (403, 404)


def _leaks(response) -> bool:
    body = response.content.decode()
    return SECRET_TITLE in body or SECRET_SLUG in body


def test_the_explorer_refuses_the_restricted_page_to_dm50(secret_page, dm50):
    response = dm50.get(f"/admin/pages/{secret_page.pk}/")
    assert _refused(response)
    assert not _leaks(response)
    response = dm50.get(f"/admin/pages/{secret_page.pk}/results/")
    assert _refused(response)
    assert not _leaks(response)


def test_the_explorer_refuses_another_amts_section_to_dm50(secret_page, dm50, section_32):
    response = dm50.get(f"/admin/pages/{section_32.pk}/")
    assert _refused(response)
    assert not _leaks(response)


def test_the_explorer_shows_the_page_to_dm32(secret_page, dm32, section_32):
    assert dm32.get(f"/admin/pages/{secret_page.pk}/").status_code == 200
    response = dm32.get(f"/admin/pages/{section_32.pk}/")
    assert response.status_code == 200
    assert SECRET_TITLE in response.content.decode()


def test_dm50_still_explores_their_own_section(secret_page, dm50, section_50):
    assert dm50.get(f"/admin/pages/{section_50.pk}/").status_code == 200
    response = dm50.get(f"/admin/pages/{section_50.get_parent().pk}/")
    assert response.status_code == 200
    assert not _leaks(response)


@pytest.mark.parametrize("action", BULK_ACTIONS)
def test_bulk_actions_refuse_the_restricted_page_to_dm50(secret_page, dm50, action):
    response = dm50.get(f"/admin/bulk/wagtailcore/page/{action}/?id={secret_page.pk}")
    assert response.status_code in (403, 404)
    assert not _leaks(response)


@pytest.mark.parametrize("action", BULK_ACTIONS)
def test_bulk_actions_take_the_page_for_dm32(secret_page, dm32, action):
    response = dm32.get(f"/admin/bulk/wagtailcore/page/{action}/?id={secret_page.pk}")
    assert response.status_code == 200
    assert SECRET_TITLE in response.content.decode()


def test_bulk_publish_by_dm50_changes_nothing(secret_page, dm50):
    secret_page.title = "Entwurf"
    secret_page.save_revision()
    response = dm50.post(f"/admin/bulk/wagtailcore/page/publish/?id={secret_page.pk}", {})
    assert response.status_code in (403, 404)
    secret_page.refresh_from_db()
    assert secret_page.title == SECRET_TITLE


def test_the_admin_search_hides_the_restricted_page_from_dm50(secret_page, dm50, dm32):
    response = dm50.get("/admin/pages/search/?q=Vollstreckungsinnendienst")
    assert response.status_code == 200
    assert not _leaks(response)
    assert (
        SECRET_TITLE
        in dm32.get("/admin/pages/search/?q=Vollstreckungsinnendienst").content.decode()
    )


def test_the_page_chooser_hides_the_restricted_page_from_dm50(secret_page, dm50, section_32):
    for url in (
        f"/admin/choose-page/{section_32.pk}/",
        f"/admin/choose-page/{secret_page.pk}/",
        "/admin/choose-page/search/?q=Vollstreckungsinnendienst",
    ):
        response = dm50.get(url)
        assert not _leaks(response), url


def test_the_page_chooser_shows_it_to_dm32(secret_page, dm32, section_32):
    response = dm32.get(f"/admin/choose-page/{section_32.pk}/")
    assert response.status_code == 200
    assert SECRET_TITLE in response.content.decode()


def test_dm50_cannot_open_the_page_in_the_editor_or_its_history(secret_page, dm50):
    for suffix in ("edit/", "history/", "revisions/", "usage/", "move/", "copy/", "delete/"):
        response = dm50.get(f"/admin/pages/{secret_page.pk}/{suffix}")
        assert _refused(response) or response.status_code == 302, suffix
        assert not _leaks(response), suffix
