"""P1: "War diese Seite hilfreich?" is stored without any user key; only sums are shown,
and owners read comments without names. It respects the city-wide feature switch."""

import pytest
from django.test import Client

from intranet.services import feature_switch_set
from tests.wiki.conftest import add_knowledge_page
from wiki.models import PageFeedback
from wiki.services import FEEDBACK_LIMIT_PER_SESSION

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(section_32, mover_32):
    return add_knowledge_page(section_32, title="E-Akte", owner=mover_32)


def _answer(client, page, helpful="ja", comment=""):
    return client.post(f"{page.url}rueckmeldung/", {"helpful": helpful, "comment": comment})


def test_feedback_is_stored_without_a_user(client_32, page, person_in_32):
    response = _answer(client_32, page, "nein", "Der Abschnitt zur Ablage fehlt.")
    assert response.status_code == 302
    feedback = PageFeedback.objects.get()
    assert (feedback.page_id, feedback.helpful) == (page.pk, False)
    # The model has no field that could point at a person, a session or a moment.
    field_names = {field.name for field in PageFeedback._meta.get_fields()}
    assert field_names == {"id", "page", "helpful", "comment", "created_on"}
    assert not any(
        getattr(field, "related_model", None) is not None
        and field.related_model._meta.label in ("auth.User", "directory.Person", "sessions.Session")
        for field in PageFeedback._meta.get_fields()
    )


def test_readers_see_only_the_sums(client_32, page):
    _answer(client_32, page, "ja", "Sehr hilfreich, danke Frau Yılmaz")
    other = Client()
    other.force_login(page.content_owner.user)
    _answer(other, page, "nein")
    html = client_32.get(page.url).content.decode()
    assert "Bisher: 1 × hilfreich, 1 × nicht hilfreich." in html
    assert "Sehr hilfreich, danke" not in html


def test_owner_sees_comments_without_names(client_32, page, person_in_32):
    _answer(client_32, page, "ja", "Gut erklärt")
    owner = Client()
    owner.force_login(page.content_owner.user)
    html = owner.get(page.url).content.decode()
    assert "Gut erklärt" in html
    assert person_in_32.last_name not in html


def test_one_answer_per_page_and_session(client_32, page):
    _answer(client_32, page, "ja")
    _answer(client_32, page, "ja")
    assert PageFeedback.objects.count() == 1


def test_a_session_cannot_flood_feedback(client_32, section_32, mover_32):
    pages = [
        add_knowledge_page(section_32, title=f"Seite {n}", owner=mover_32)
        for n in range(FEEDBACK_LIMIT_PER_SESSION + 2)
    ]
    for target in pages:
        _answer(client_32, target)
    assert PageFeedback.objects.count() == FEEDBACK_LIMIT_PER_SESSION


def test_switched_off_means_no_form_and_nothing_stored(client_32, page):
    feature_switch_set(actor=None, key="page_feedback", enabled=False)
    assert "War diese Seite hilfreich?" not in client_32.get(page.url).content.decode()
    _answer(client_32, page)
    assert PageFeedback.objects.count() == 0


def test_invalid_answer_is_rejected_with_a_message(client_32, page):
    response = _answer(client_32, page, helpful="vielleicht")
    assert response.status_code == 302
    assert PageFeedback.objects.count() == 0
