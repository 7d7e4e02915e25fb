"""Publishing goes through the workflow: a Digital Mover submits, the Amt's Redaktion approves."""

import pytest
from wagtail.models import WorkflowState

from wiki.models import KnowledgePage

pytestmark = pytest.mark.django_db


def _page_data(*, owner_pk, action, summary="Kurz erklärt"):
    return {
        "title": "Neue Dienstanweisung",
        "slug": "neue-dienstanweisung",
        "summary": summary,
        "body-count": "0",
        "tags": "",
        "content_owner": str(owner_pk or ""),
        "review_date": "2027-11-24",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        action: "1",
    }


def test_digital_mover_cannot_publish_but_submits_for_approval(
    client, mover_32, redaktion_32, section_32
):
    client.force_login(mover_32.user)
    response = client.get(f"/admin/pages/add/wiki/knowledgepage/{section_32.pk}/")
    assert response.status_code == 200
    assert 'name="action-publish"' not in response.content.decode()

    # Trying to publish anyway leaves the page unpublished.
    client.post(
        f"/admin/pages/add/wiki/knowledgepage/{section_32.pk}/",
        _page_data(owner_pk=mover_32.pk, action="action-publish"),
    )
    page = KnowledgePage.objects.get(slug="neue-dienstanweisung")
    assert not page.live

    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        _page_data(owner_pk=mover_32.pk, action="action-submit", summary="überarbeitet"),
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Freigabe Amt 32"
    page.refresh_from_db()
    assert not page.live

    # The Digital Mover cannot approve their own submission; the Amt's Redaktion can.
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(page, mover_32.user) == []
    assert "approve" in [name for name, *_rest in task.get_actions(page, redaktion_32.user)]
    task.on_action(task_state, redaktion_32.user, "approve")
    page.refresh_from_db()
    assert page.live
    assert page.summary == "überarbeitet"


def test_a_page_needs_a_content_owner(client, mover_32, section_32):
    client.force_login(mover_32.user)
    response = client.post(
        f"/admin/pages/add/wiki/knowledgepage/{section_32.pk}/",
        _page_data(owner_pk=None, action="action-submit"),
    )
    assert response.status_code == 200
    assert "Bitte eine verantwortliche Person angeben." in response.content.decode()
    assert not KnowledgePage.objects.filter(slug="neue-dienstanweisung").exists()


def test_digital_mover_can_choose_the_content_owner(client, mover_32, section_32):
    client.force_login(mover_32.user)
    response = client.get("/admin/snippets/choose/directory/person/")
    assert response.status_code == 200
