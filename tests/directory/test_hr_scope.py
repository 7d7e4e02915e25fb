"""HR scope: central HR edits everything, an Amt's Personalsachbearbeitung only its own Amt;
every check goes through directory/permissions.py. Admin edits are audited (P9)."""

import pytest

from directory import permissions, services
from directory.models import OrgUnit, Person
from intranet.models import AuditEntry
from tests.directory.conftest import person_form
from tests.support.factories import PersonFactory, abteilung

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # empty permission caches


def test_scope_functions(central_hr, clerk_32, person_in_32, person_in_50, amt_32, amt_50):
    clerk, hr = fresh(clerk_32.user), fresh(central_hr.user)
    assert set(permissions.amter_managed_by(clerk)) == {amt_32}
    assert set(permissions.amter_managed_by(hr)) == {amt_32, amt_50}
    assert person_in_32 in permissions.people_managed_by(clerk)
    assert person_in_50 not in permissions.people_managed_by(clerk)
    assert person_in_50 in permissions.people_managed_by(hr)
    sub = abteilung(amt=amt_32)
    assert set(permissions.units_managed_by(clerk)) == {sub}
    assert permissions.user_may_import_staff(hr) and not permissions.user_may_import_staff(clerk)
    assert permissions.user_may_restructure(hr) and not permissions.user_may_restructure(clerk)


def test_ordinary_employee_has_no_hr_admin(client_32):
    assert client_32.get("/admin/snippets/directory/person/").status_code in (302, 403)
    assert not permissions.user_may_use_hr_admin(
        fresh(client_32.session and Person.objects.get(first_name="Lena").user)
    )


def test_clerk_lists_and_edits_only_their_amt(client, clerk_32, person_in_32, person_in_50):
    client.force_login(clerk_32.user)
    listing = client.get("/admin/snippets/directory/person/").content.decode()
    assert "Müller" in listing and "Weiß" not in listing
    refused = client.get(f"/admin/snippets/directory/person/edit/{person_in_50.pk}/")
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    assert refused.status_code == 403 or refused["Location"] == "/admin/"
    assert (
        client.get(f"/admin/snippets/directory/person/edit/{person_in_32.pk}/").status_code == 200
    )


def test_clerk_cannot_move_a_person_out_of_their_amt(client, clerk_32, person_in_32, amt_50):
    client.force_login(clerk_32.user)
    response = client.post(
        f"/admin/snippets/directory/person/edit/{person_in_32.pk}/",
        person_form(person_in_32, unit=amt_50.pk),
    )
    assert response.status_code == 200
    assert "gehört nicht dazu" in response.content.decode()
    person_in_32.refresh_from_db()
    assert person_in_32.unit_id != amt_50.pk


def test_central_hr_edit_is_audited_and_groups_follow(client, central_hr, person_in_32, amt_50):
    client.force_login(central_hr.user)
    response = client.post(
        f"/admin/snippets/directory/person/edit/{person_in_32.pk}/",
        person_form(person_in_32, unit=amt_50.pk, function="Teamleitung"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person_in_32.refresh_from_db()
    assert person_in_32.unit == amt_50
    assert set(person_in_32.user.groups.values_list("name", flat=True)) == {
        "Amt 50 – Mitarbeitende"
    }
    entry = AuditEntry.objects.get(action="directory.person.edit")
    assert entry.actor == central_hr.user
    assert entry.changes["function"] == ["Sachbearbeitung", "Teamleitung"]
    assert "phone" not in entry.changes  # only what changed, not the whole record


def test_admin_form_has_no_voluntary_fields(client, central_hr, person_in_32):
    client.force_login(central_hr.user)
    html = client.get(f"/admin/snippets/directory/person/edit/{person_in_32.pk}/").content.decode()
    for field in ("mobile", "about", "topics", "languages", "photo"):
        assert f'name="{field}"' not in html
    assert 'name="personnel_number"' in html


def test_nobody_deletes_people_in_the_admin(client, central_hr, person_in_32):
    client.force_login(central_hr.user)
    response = client.get(f"/admin/snippets/directory/person/delete/{person_in_32.pk}/")
    assert response.status_code in (302, 403)
    assert Person.objects.filter(pk=person_in_32.pk).exists()


def test_move_unit_people_and_groups_follow(central_hr, amt_32, amt_50, person_in_32):
    sub = abteilung(amt=amt_32, suffix="1")
    mover = PersonFactory(unit=sub)
    services.org_unit_move(unit=sub, parent=amt_50, actor=central_hr.user)
    assert set(mover.user.groups.values_list("name", flat=True)) == {"Amt 50 – Mitarbeitende"}
    assert AuditEntry.objects.filter(action="directory.unit.move").exists()


def test_merge_units_people_roles_and_groups_follow(central_hr, amt_32, amt_50, clerk_32):
    sub = abteilung(amt=amt_32, suffix="1")
    in_sub = PersonFactory(unit=sub)
    in_32 = PersonFactory(unit=amt_32)
    services.org_unit_merge(source=amt_32, target=amt_50, actor=central_hr.user)
    assert not OrgUnit.objects.filter(number="32").exists()
    sub.refresh_from_db()
    assert sub.parent == amt_50
    for person in (in_sub, in_32):
        assert set(person.user.groups.values_list("name", flat=True)) == {"Amt 50 – Mitarbeitende"}
    # The Amt 32 clerk is now a clerk of Amt 50.
    assert set(clerk_32.user.groups.values_list("name", flat=True)) == {
        "Amt 50 – Mitarbeitende",
        "Amt 50 – Personalsachbearbeitung",
    }
    assert not type(clerk_32.user.groups.first()).objects.filter(name__startswith="Amt 32").exists()
    entry = AuditEntry.objects.get(action="directory.unit.merge")
    # in_32, the clerk and the HR person moved directly; the Abteilung with in_sub.
    assert entry.changes == {"people": 3, "sub_units": 1}


def test_merge_refuses_different_kinds(central_hr, amt_32):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.org_unit_merge(source=abteilung(amt=amt_32), target=amt_32, actor=central_hr.user)


def test_restructure_view_is_central_hr_only(client, clerk_32, central_hr, amt_32, amt_50):
    sub = abteilung(amt=amt_32, suffix="1")
    client.force_login(clerk_32.user)
    refused = client.get("/admin/umstrukturieren/")
    assert refused.status_code == 403 or refused["Location"] == "/admin/"
    client.force_login(central_hr.user)
    response = client.post(
        "/admin/umstrukturieren/",
        {"action": "move", "move-unit": sub.pk, "move-parent": amt_50.pk},
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.parent == amt_50


def test_offboarding_in_the_admin(client, clerk_32, person_in_32, amt_50):
    other = PersonFactory(unit=amt_50)
    client.force_login(clerk_32.user)
    listing = client.get("/admin/snippets/directory/person/").content.decode()
    assert f"/admin/personen/{person_in_32.pk}/ausscheiden/" in listing
    refused = client.post(f"/admin/personen/{other.pk}/ausscheiden/")
    assert refused.status_code == 403 or refused["Location"] == "/admin/"
    other.refresh_from_db()
    assert other.is_active
    assert client.get(f"/admin/personen/{person_in_32.pk}/ausscheiden/").status_code == 200
    response = client.post(f"/admin/personen/{person_in_32.pk}/ausscheiden/")
    assert response.status_code == 302
    person_in_32.refresh_from_db()
    assert not person_in_32.is_active
    assert AuditEntry.objects.filter(action="directory.person.deactivate").exists()
