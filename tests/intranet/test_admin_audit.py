"""P9: administrative permission and account changes are audited; reads never are."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from directory.services import central_hr_group_ensure
from intranet.audit_signals import _admin_actor
from intranet.features import feature_enabled
from intranet.models import AuditEntry
from intranet.services import audit_record
from tests.support.queries import assert_query_count


def audit_entries():
    """Audit entries other than the wiki section set-up that every new Amt records."""
    return AuditEntry.objects.exclude(action="wiki.section_permissions")


pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(amt_32):
    from tests.support.factories import PersonFactory

    person = PersonFactory(unit=amt_32, first_name="Sören", last_name="Groß")
    person.user.is_superuser = True
    person.user.save()
    return person.user


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_group_change_in_wagtail_user_editing_is_audited(admin_client, admin_user, person_in_32):
    user = person_in_32.user
    hr_group = central_hr_group_ensure()
    groups = [*user.groups.values_list("pk", flat=True), hr_group.pk]
    response = admin_client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "username": user.username,
            "first_name": "Lena",
            "last_name": "Müller",
            "email": "lena.mueller@stadt.example",
            "is_active": "on",
            "groups": groups,
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    groups_entry = AuditEntry.objects.get(action="user.groups")
    assert groups_entry.actor == admin_user
    assert groups_entry.target_id == str(user.pk)
    assert groups_entry.changes == {"groups": {"added": ["Personalverwaltung (zentral)"]}}
    update = AuditEntry.objects.get(action="user.update")
    assert update.changes["email"] == ["", "lena.mueller@stadt.example"]
    assert "password" not in update.changes


def test_object_permissions_granted_in_the_admin_are_audited(admin_user, person_in_32, amt_32):
    token = _admin_actor.set(admin_user)
    try:
        assign_perm("directory.manage_staff", person_in_32.user, amt_32)
    finally:
        _admin_actor.reset(token)
    entry = AuditEntry.objects.get(action="permission.grant")
    assert entry.actor == admin_user
    assert entry.changes["permission"] == "directory.manage_staff"
    assert entry.changes["object"] == f"directory.orgunit:{amt_32.pk}"


def test_changes_outside_the_admin_are_left_to_their_services(person_in_32, amt_32):
    # Ordinary use (e.g. being given a permission on a chat room one creates) is no
    # administrative action and must not become an activity record.
    assign_perm("directory.manage_staff", person_in_32.user, amt_32)
    person_in_32.user.groups.add(Group.objects.create(name="Projektgruppe"))
    assert not audit_entries().exists()


def test_group_permissions_changed_in_the_admin_are_audited(admin_user):
    from django.contrib.auth.models import Permission

    group = Group.objects.create(name="Redaktion Test")
    token = _admin_actor.set(admin_user)
    try:
        group.permissions.add(Permission.objects.get(codename="view_person"))
        group.permissions.clear()
    finally:
        _admin_actor.reset(token)
    actions = list(audit_entries().order_by("pk").values_list("changes", flat=True))
    assert actions == [
        {"permissions": {"added": ["directory.view_person"]}},
        {"permissions": {"removed": ["directory.view_person"]}},
    ]


def test_audit_log_is_for_administrators_only(client, admin_client, person_in_32):
    audit_record(actor=person_in_32.user, action="person.update", summary="Telefon geändert")
    response = admin_client.get("/admin/protokoll/")
    assert response.status_code == 200
    assert "Telefon geändert" in response.content.decode()
    hr = person_in_32.user
    hr.groups.add(central_hr_group_ensure())
    client.force_login(hr)
    _assert_denied(client.get("/admin/protokoll/"))
    assert "Telefon geändert" not in client.get("/admin/protokoll/", follow=True).content.decode()
    entry = audit_entries().get()
    assert admin_client.get(f"/admin/protokoll/inspect/{entry.pk}/").status_code == 200
    _assert_denied(admin_client.get(f"/admin/protokoll/edit/{entry.pk}/"))
    _assert_denied(admin_client.get(f"/admin/protokoll/delete/{entry.pk}/"))
    _assert_denied(admin_client.post(f"/admin/protokoll/delete/{entry.pk}/"))
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _assert_denied(response):
    """Wagtail answers a refused admin view with a redirect to the dashboard (or 403/404)."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def test_audit_list_query_count_does_not_grow(admin_client, person_in_32):
    for number in range(3):
        audit_record(actor=person_in_32.user, action=f"test.{number}")
    admin_client.get("/admin/protokoll/")
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/admin/protokoll/")
    for number in range(10):
        audit_record(actor=person_in_32.user, action=f"more.{number}")
    with assert_query_count(len(few.captured_queries)):
        admin_client.get("/admin/protokoll/")


def test_recording_an_action_is_one_insert(person_in_32):
    with assert_query_count(1):
        audit_record(actor=person_in_32.user, action="test.action")


def test_feature_switches_in_the_admin_go_through_the_audited_service(
    client, admin_client, admin_user, person_in_32
):
    assert admin_client.get("/admin/funktionen/").status_code == 200
    response = admin_client.post("/admin/funktionen/", {"presence": "on", "page_feedback": "on"})
    assert response.status_code == 302
    assert feature_enabled("typing") is False
    entry = AuditEntry.objects.get(action="feature.switch")
    assert entry.actor == admin_user and entry.changes["key"] == "typing"
    hr = person_in_32.user
    hr.groups.add(central_hr_group_ensure())
    client.force_login(hr)
    _assert_denied(client.get("/admin/funktionen/"))
    _assert_denied(client.post("/admin/funktionen/", {}))
    assert feature_enabled("presence") is True


def test_reads_are_never_audited(admin_client, client_32):
    for url in ["/", "/transparenz/", "/meine-daten/", "/meine-daten/export.json"]:
        assert client_32.get(url).status_code == 200
    for url in ["/admin/", "/admin/protokoll/", "/admin/users/", "/admin/funktionen/"]:
        assert admin_client.get(url).status_code == 200
    assert not audit_entries().exists()
