"""P8: "Meine Daten" shows everything stored about the person, and only theirs (GDPR Art. 15/20)."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm
from wagtail.models import Comment, Page, PageLogEntry, Revision

from directory.models import Person
from intranet import selectors
from intranet.privacy_register import PERSON_MODELS
from intranet.services import audit_record
from tests.support.factories import PersonFactory
from tests.support.queries import assert_query_count

pytestmark = pytest.mark.django_db


def _relations_to_people():
    """Every stored relation of an installed model to a user or a person."""
    people = {apps.get_model(label) for label in PERSON_MODELS}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            stored = field.concrete or (field.many_to_many and not field.auto_created)
            if stored and field.model is model and field.related_model in people:
                yield model, field


def test_the_export_queries_every_model_that_refers_to_a_person(person_in_32):
    relations = list(_relations_to_people())
    assert len(relations) > 20  # the walk finds Django's, Wagtail's and our own relations
    with CaptureQueriesContext(connection) as context:
        selectors.personal_data_export(user=person_in_32.user)
    sql = [query["sql"] for query in context.captured_queries]
    left_out = []
    for model, field in relations:
        if field.many_to_many:
            table, column = field.remote_field.through._meta.db_table, None
        else:
            table, column = model._meta.db_table, field.column
        if not any(
            f'"{table}"' in statement and (column is None or f'"{column}"' in statement)
            for statement in sql
        ):
            left_out.append(f"{model._meta.label}.{field.name}")
    assert left_out == [], f"Meine Daten leaves these out: {left_out}"


def _export_records(user, model_label):
    export = selectors.personal_data_export(user=user)
    return [
        record
        for category in export["categories"]
        for entry in category["entries"]
        if entry["model"] == model_label
        for record in entry["records"]
    ]


def test_export_contains_the_persons_own_data(person_in_32, client):
    user = person_in_32.user
    home = Page.objects.get(depth=2).specific
    revision = home.save_revision(user=user)
    PageLogEntry.objects.log_action(instance=home, action="wagtail.edit", user=user)
    assign_perm("directory.view_person", user, person_in_32)
    audit_record(actor=user, action="person.update", target=person_in_32, summary="Telefon")
    client.force_login(user)

    people = _export_records(user, "directory.Person")
    assert any({"first_name": "Lena", "last_name": "Müller"}.items() <= r.items() for r in people)
    accounts = _export_records(user, "auth.User")
    assert any(record.get("username") == user.username for record in accounts)
    assert any("Amt 32 – Mitarbeitende" in record.get("groups", []) for record in accounts)
    assert _export_records(user, "wagtailcore.Revision")[0]["created_at"] == (
        revision.created_at.isoformat()
    )
    assert _export_records(user, "wagtailcore.PageLogEntry")[0]["action"] == "wagtail.edit"
    assert _export_records(user, "guardian.UserObjectPermission")[0]["object_pk"] == str(
        person_in_32.pk
    )
    audit = _export_records(user, "intranet.AuditEntry")
    assert audit[0]["action"] == "person.update"
    assert audit[0]["summary"] != "Telefon"  # what was changed may be someone else's data
    assert len(_export_records(user, "sessions.Session")) == 1


def test_secrets_are_never_exported(person_in_32, client):
    client.force_login(person_in_32.user)
    session_key = Session.objects.get().session_key
    raw = json.dumps(selectors.personal_data_export(user=person_in_32.user), ensure_ascii=False)
    assert person_in_32.user.password not in raw
    assert session_key not in raw


def test_export_leaves_out_other_peoples_data(person_in_32, person_in_50):
    me, other = person_in_32.user, person_in_50.user
    home = Page.objects.get(depth=2).specific
    revision = home.save_revision(user=other)
    their_comment = Comment.objects.create(
        page=home,
        user=other,
        text="Vertraulicher Hinweis von Jörg",
        contentpath="title",
        revision_created=revision,
    )
    their_comment.resolved_by = me
    their_comment.save()
    Comment.objects.create(
        page=home, user=me, text="Mein Kommentar", contentpath="title", revision_created=revision
    )
    raw = json.dumps(selectors.personal_data_export(user=me), ensure_ascii=False)
    assert "Mein Kommentar" in raw
    assert "Vertraulicher Hinweis" not in raw
    assert "Jörg" not in raw and "Weiß" not in raw and other.username not in raw
    resolved = _export_records(me, "wagtailcore.Comment")
    assert {"resolved_by": "Sie selbst"}.items() <= resolved[-1].items() or any(
        record.get("resolved_by") == "Sie selbst" for record in resolved
    )


def test_page_lists_every_category_and_offers_the_download(client_32, person_in_32):
    response = client_32.get("/meine-daten/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meine Daten" in html
    assert "Lena" in html and "Müller" in html
    assert 'href="/meine-daten/export.json"' in html
    for category in selectors.personal_data_for_user(user=person_in_32.user):
        assert category in html


def test_download_is_json_for_the_logged_in_person_only(client_32, person_in_32, person_in_50):
    response = client_32.get("/meine-daten/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="meine-daten-')
    data = json.loads(response.content)
    assert data["username"] == person_in_32.user.username
    assert person_in_50.last_name not in response.content.decode()


def test_settings_links_lead_to_the_persons_own_switches(client_32):
    html = client_32.get("/meine-daten/").content.decode()
    assert "Ihre Einstellungen" in html
    assert 'href="/chat/einstellungen/"' in html  # presence and typing opt-in (P2)
    assert 'href="/personen/ich/bearbeiten/"' in html  # voluntary fields' visibility (P6)
    for url in ("/chat/einstellungen/", "/personen/ich/bearbeiten/"):
        assert client_32.get(url).status_code == 200


def test_my_data_query_count_does_not_grow_with_rows(client_32, person_in_32):
    home = Page.objects.get(depth=2).specific
    client_32.get("/meine-daten/")
    with CaptureQueriesContext(connection) as few:
        client_32.get("/meine-daten/")
    for _ in range(5):
        home.save_revision(user=person_in_32.user)
    with assert_query_count(len(few.captured_queries)):
        client_32.get("/meine-daten/")


def test_a_person_without_account_data_still_gets_a_page(client):
    user = get_user_model().objects.create_user("ohneperson", password="x-Passwort-2026")
    client.force_login(user)
    assert client.get("/meine-daten/").status_code == 200
    assert not Person.objects.filter(user=user).exists()


def test_revisions_are_the_persons_own(person_in_32):
    assert Revision.objects.count() == 0
    assert _export_records(person_in_32.user, "wagtailcore.Revision") == []
    assert PersonFactory  # the factory writes through the directory services
