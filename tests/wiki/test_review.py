"""Owners and review dates: stale pages are flagged, reported, and can be marked reviewed
without a new revision of the content."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.wiki.conftest import add_knowledge_page, add_training_page
from wiki import selectors, services
from wiki.models import KnowledgePage, review_date_default

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2025, 3, 1)


def _make_stale(page):
    type(page).objects.filter(pk=page.pk).update(
        review_date=LONG_AGO + datetime.timedelta(days=365), last_reviewed_on=LONG_AGO
    )
    page.refresh_from_db()
    return page


def test_review_date_defaults_to_twelve_months(section_32, person_in_32):
    page = add_knowledge_page(section_32, owner=person_in_32)
    assert page.review_date == review_date_default()
    assert (page.review_date - timezone.localdate()).days == 365
    assert not page.is_stale


def test_readers_see_the_stale_notice(client_32, section_32, person_in_32):
    fresh = add_knowledge_page(section_32, title="Frisch", owner=person_in_32)
    stale = _make_stale(add_knowledge_page(section_32, title="Alt", owner=person_in_32))
    assert "Inhalt wurde seit" not in client_32.get(fresh.url).content.decode()
    html = client_32.get(stale.url).content.decode()
    assert "Inhalt wurde seit 01.03.2025 nicht geprüft" in html


def test_page_shows_owner_linked_to_the_directory(client_32, section_32, mover_32):
    page = add_knowledge_page(section_32, owner=mover_32)
    html = client_32.get(page.url).content.decode()
    assert f'href="/personen/{mover_32.uuid}/"' in html
    assert "Özlem Yılmaz" in html


def test_report_lists_stale_pages_for_owner_and_the_amts_digital_movers(
    section_32, section_50, mover_32, mover_50, person_in_32, person_in_50
):
    in_32 = _make_stale(add_knowledge_page(section_32, title="Alt 32", owner=person_in_50))
    in_50 = _make_stale(add_training_page(section_50, title="Alt 50", owner=person_in_50))
    add_knowledge_page(section_32, title="Frisch 32", owner=person_in_50)
    assert [p.title for p in selectors.review_due_list(user=mover_32.user)] == ["Alt 32"]
    assert [p.title for p in selectors.review_due_list(user=mover_50.user)] == ["Alt 50"]
    # The owner sees both, wherever they are; someone else sees none.
    assert {p.pk for p in selectors.review_due_list(user=person_in_50.user)} == {in_32.pk, in_50.pk}
    assert selectors.review_due_list(user=person_in_32.user) == []


def test_report_page_in_the_admin(client, section_32, mover_32, person_in_32):
    _make_stale(add_knowledge_page(section_32, title="Alter Leitfaden", owner=person_in_32))
    client.force_login(mover_32.user)
    html = client.get("/admin/wissen/zu-pruefen/").content.decode()
    assert "Alter Leitfaden" in html
    assert "Als geprüft markieren" in html


def test_report_is_refused_to_people_without_pages(section_32, person_in_50):
    client = Client()
    client.force_login(person_in_50.user)
    assert client.get("/admin/wissen/zu-pruefen/").status_code in (302, 403)


def test_mark_reviewed_resets_the_date_without_a_new_revision(
    client, section_32, mover_32, person_in_32
):
    page = _make_stale(add_knowledge_page(section_32, title="Alt", owner=person_in_32))
    revisions_before = page.revisions.count()
    client.force_login(mover_32.user)
    response = client.post(f"/admin/wissen/geprueft/{page.pk}/", {"next": "/admin/"})
    assert response.status_code == 302
    page = KnowledgePage.objects.get(pk=page.pk)
    assert page.last_reviewed_on == timezone.localdate()
    assert page.review_date == review_date_default()
    assert not page.is_stale
    assert page.revisions.count() == revisions_before
    # A later publish of the latest revision keeps the new review date.
    page.get_latest_revision().publish()
    assert KnowledgePage.objects.get(pk=page.pk).review_date == review_date_default()


def test_only_responsible_people_may_mark_reviewed(
    client_32, person_in_32, section_50, person_in_50
):
    page = _make_stale(add_knowledge_page(section_50, title="Alt", owner=person_in_50))
    response = client_32.post(f"/admin/wissen/geprueft/{page.pk}/")
    assert response.status_code in (302, 403)
    assert KnowledgePage.objects.get(pk=page.pk).review_date < timezone.localdate()
    with pytest.raises(PermissionError):
        services.page_mark_reviewed(page=page, user=person_in_32.user)
