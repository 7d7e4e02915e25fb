"""Issue 11.2–11.4: every admin write goes through the service that authorises the actor.

Each way that places a person (the person editor with unit and further units, roles, unit
editing, restructuring, offboarding) is driven as each actor: employee, Digital Mover, an
Amt's HR clerk, central HR and a superuser (IT operations). A refusal is a German field
error or a 403, and nothing is saved.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from chat.models import Room
from directory import permissions, services
from directory.models import OfficeRole, OrgUnit, Person
from intranet.models import AuditEntry
from tests.directory.conftest import person_form
from tests.support.factories import PersonFactory, UserFactory, abteilung

pytestmark = pytest.mark.django_db

PERSON_EDIT = "/admin/snippets/directory/person/edit/{}/"
PERSON_ADD = "/admin/snippets/directory/person/add/"
ROLE_ADD = "/admin/snippets/directory/officerole/add/"
UNIT_ADD = "/admin/snippets/directory/orgunit/add/"
UNIT_EDIT = "/admin/snippets/directory/orgunit/edit/{}/"


def refused(response) -> bool:
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard."""
    if response.status_code == 403:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location == "/admin/" or location.startswith("/admin/login/")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def groups_of(person) -> set[str]:
    return set(person.user.groups.values_list("name", flat=True))


def form_errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


@pytest.fixture
def root():
    return UserFactory(username="it-betrieb", is_superuser=True, is_staff=True)


@pytest.fixture
def mover_32(amt_32):
    person = PersonFactory(unit=amt_32, first_name="Deniz", last_name="Digital")
    services.office_role_grant(
        person=person, amt=amt_32, role=OfficeRole.Role.DIGITAL_MOVER, actor=services.SYSTEM
    )
    return person


# --- Further units: the hole the issue found ------------------------------------------


def test_clerk_cannot_add_a_further_unit_in_another_amt(clerk_32, person_in_32, amt_50):
    unit_50 = abteilung(amt=amt_50, suffix="2", name="Grundsicherung")
    response = logged_in(clerk_32.user).post(
        PERSON_EDIT.format(person_in_32.pk), person_form(person_in_32, further_units=[unit_50.pk])
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert "außerhalb Ihrer Ämter" in errors["further_units"][0]
    assert not person_in_32.further_units.exists()
    assert groups_of(person_in_32) == {"Amt 32 – Mitarbeitende"}
    assert not AuditEntry.objects.filter(action="directory.person.edit").exists()


def test_clerk_adds_a_further_unit_in_their_own_amt(clerk_32, person_in_32, amt_32):
    unit_32 = abteilung(amt=amt_32, suffix="3", name="Verkehrsüberwachung")
    response = logged_in(clerk_32.user).post(
        PERSON_EDIT.format(person_in_32.pk), person_form(person_in_32, further_units=[unit_32.pk])
    )
    assert response.status_code == 302, form_errors(response)
    assert list(person_in_32.further_units.all()) == [unit_32]
    entry = AuditEntry.objects.get(action="directory.person.edit")
    assert entry.actor == clerk_32.user
    assert entry.changes == {"further_units": ["", str(unit_32)]}


def test_clerk_keeps_but_cannot_remove_a_further_unit_central_hr_set(
    clerk_32, central_hr, person_in_32, amt_50
):
    unit_50 = abteilung(amt=amt_50, suffix="2", name="Grundsicherung")
    services.person_update(person=person_in_32, further_units=[unit_50], actor=central_hr.user)
    assert "Amt 50 – Mitarbeitende" in groups_of(person_in_32)
    client = logged_in(clerk_32.user)
    # Editing something else keeps the further unit the clerk cannot touch.
    kept = client.post(
        PERSON_EDIT.format(person_in_32.pk), person_form(person_in_32, function="Teamleitung")
    )
    assert kept.status_code == 302, form_errors(kept)
    # Taking it away is a change outside the clerk's Ämter.
    taken = client.post(
        PERSON_EDIT.format(person_in_32.pk), person_form(person_in_32, further_units=[])
    )
    assert "further_units" in form_errors(taken)
    assert list(person_in_32.further_units.all()) == [unit_50]


def test_clerk_cannot_create_a_person_in_another_amt(clerk_32, amt_50):
    data = person_form(Person(personnel_number="900001", first_name="Neu", last_name="Zugang"))
    data["unit"] = amt_50.pk
    response = logged_in(clerk_32.user).post(PERSON_ADD, data)
    assert response.status_code == 200
    assert "gehört nicht dazu" in form_errors(response)["unit"][0]
    assert not Person.objects.filter(personnel_number="900001").exists()


def test_clerk_creates_a_person_in_their_amt_through_the_service(clerk_32, amt_32):
    data = person_form(Person(personnel_number="900002", first_name="Nora", last_name="Neumann"))
    data["unit"] = amt_32.pk
    response = logged_in(clerk_32.user).post(PERSON_ADD, data)
    assert response.status_code == 302, form_errors(response)
    person = Person.objects.get(personnel_number="900002")
    assert person.search_names  # derived columns refreshed by the service
    entry = AuditEntry.objects.get(action="directory.person.create")
    assert entry.actor == clerk_32.user and "900002" not in str(entry.changes)


# --- Four-eyes: nobody places themselves -------------------------------------------------


def test_central_hr_cannot_move_themselves(central_hr, amt_50):
    response = logged_in(central_hr.user).post(
        PERSON_EDIT.format(central_hr.pk), person_form(central_hr, unit=amt_50.pk)
    )
    assert response.status_code == 200
    assert "Vier-Augen-Prinzip" in form_errors(response)["unit"][0]
    central_hr.refresh_from_db()
    assert central_hr.unit.number == "32"


def test_clerk_cannot_give_themselves_a_further_unit(clerk_32, amt_32):
    unit_32 = abteilung(amt=amt_32, suffix="3")
    response = logged_in(clerk_32.user).post(
        PERSON_EDIT.format(clerk_32.pk), person_form(clerk_32, further_units=[unit_32.pk])
    )
    assert "Vier-Augen-Prinzip" in form_errors(response)["further_units"][0]
    assert not clerk_32.further_units.exists()


def test_own_official_data_other_than_placement_stays_editable(central_hr):
    response = logged_in(central_hr.user).post(
        PERSON_EDIT.format(central_hr.pk), person_form(central_hr, phone="0711 216-1234")
    )
    assert response.status_code == 302, form_errors(response)


def test_nobody_grants_themselves_a_role(central_hr, amt_50):
    response = logged_in(central_hr.user).post(
        ROLE_ADD,
        {"person": central_hr.pk, "amt": amt_50.pk, "role": OfficeRole.Role.DIGITAL_MOVER},
    )
    assert response.status_code == 200
    assert "Vier-Augen-Prinzip" in str(response.context["form"].errors)
    assert not OfficeRole.objects.filter(person=central_hr).exists()
    with pytest.raises(ValidationError):
        services.office_role_grant(
            person=central_hr, amt=amt_50, role=OfficeRole.Role.PERSONAL, actor=central_hr.user
        )


def test_nobody_offboards_themselves(clerk_32):
    assert refused(logged_in(clerk_32.user).post(f"/admin/personen/{clerk_32.pk}/ausscheiden/"))
    clerk_32.refresh_from_db()
    assert clerk_32.is_active
    with pytest.raises(PermissionDenied):
        services.person_deactivate(person=clerk_32, actor=clerk_32.user)


# --- Roles: central HR, through the service ----------------------------------------------


def test_clerk_cannot_grant_roles(clerk_32, person_in_32, amt_32):
    client = logged_in(clerk_32.user)
    assert refused(client.get(ROLE_ADD))
    response = client.post(
        ROLE_ADD, {"person": person_in_32.pk, "amt": amt_32.pk, "role": OfficeRole.Role.PERSONAL}
    )
    assert refused(response)
    assert not OfficeRole.objects.filter(person=person_in_32).exists()
    with pytest.raises(ValidationError):
        services.office_role_grant(
            person=person_in_32, amt=amt_32, role=OfficeRole.Role.PERSONAL, actor=clerk_32.user
        )


def test_central_hr_grants_changes_and_revokes_a_role_through_the_service(
    central_hr, person_in_32, amt_32, amt_50
):
    client = logged_in(central_hr.user)
    response = client.post(
        ROLE_ADD,
        {"person": person_in_32.pk, "amt": amt_32.pk, "role": OfficeRole.Role.DIGITAL_MOVER},
    )
    assert response.status_code == 302, form_errors(response)
    role = OfficeRole.objects.get(person=person_in_32)
    assert "Amt 32 – Digital Movers" in groups_of(person_in_32)
    response = client.post(
        f"/admin/snippets/directory/officerole/edit/{role.pk}/",
        {"person": person_in_32.pk, "amt": amt_50.pk, "role": OfficeRole.Role.DIGITAL_MOVER},
    )
    assert response.status_code == 302, form_errors(response)
    assert "Amt 32 – Digital Movers" not in groups_of(person_in_32)
    assert "Amt 50 – Digital Movers" in groups_of(person_in_32)
    role = OfficeRole.objects.get(person=person_in_32)
    response = client.post(f"/admin/snippets/directory/officerole/delete/{role.pk}/")
    assert response.status_code == 302
    assert not OfficeRole.objects.filter(person=person_in_32).exists()
    assert groups_of(person_in_32) == {"Amt 32 – Mitarbeitende"}
    actions = list(
        AuditEntry.objects.filter(action__startswith="directory.officerole").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        [
            "directory.officerole.create",
            "directory.officerole.delete",
            "directory.officerole.create",
            "directory.officerole.delete",
        ]
    )


def test_bulk_delete_of_roles_goes_through_the_service(central_hr, person_in_32, amt_32):
    role = services.office_role_grant(
        person=person_in_32, amt=amt_32, role=OfficeRole.Role.REDAKTION, actor=central_hr.user
    )
    url = (
        reverse("wagtail_bulk_action", args=("directory", "officerole", "delete"))
        + f"?id={role.pk}"
    )
    response = logged_in(central_hr.user).post(url)
    assert response.status_code == 302
    assert not OfficeRole.objects.filter(pk=role.pk).exists()
    assert "Amt 32 – Redaktion" not in groups_of(person_in_32)
    assert AuditEntry.objects.filter(action="directory.officerole.delete").count() == 1


# --- Units: clerks below their own Amt ----------------------------------------------------


def unit_form(**values) -> dict:
    data = {
        "kind": OrgUnit.Kind.ABTEILUNG,
        "number": "",
        "name": "",
        "also_known_as": "",
        "parent": "",
        "leader": "",
        "phone": "",
        "email": "",
        "address": "",
    }
    data.update(values)
    return data


def test_clerk_creates_units_below_their_amt_only(clerk_32, amt_32, amt_50):
    client = logged_in(clerk_32.user)
    response = client.post(UNIT_ADD, unit_form(number="50.9", name="Fremd", parent=amt_50.pk))
    assert response.status_code == 200
    assert "eigenen Amt" in str(response.context["form"].errors)
    assert not OrgUnit.objects.filter(number="50.9").exists()
    response = client.post(UNIT_ADD, unit_form(number="32.9", name="Neu", parent=amt_32.pk))
    assert response.status_code == 302, form_errors(response)
    assert AuditEntry.objects.get(action="directory.orgunit.create").actor == clerk_32.user


def test_clerk_cannot_hang_their_unit_under_another_amt(clerk_32, amt_32, amt_50):
    sub = abteilung(amt=amt_32, suffix="4", name="Gewerbe")
    member = PersonFactory(unit=sub)
    response = logged_in(clerk_32.user).post(
        UNIT_EDIT.format(sub.pk), unit_form(number=sub.number, name=sub.name, parent=amt_50.pk)
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.parent == amt_32
    assert groups_of(member) == {"Amt 32 – Mitarbeitende"}


def test_unit_edit_by_central_hr_is_audited_and_search_follows(central_hr, amt_32):
    sub = abteilung(amt=amt_32, suffix="4", name="Gewerbe")
    member = PersonFactory(unit=sub)
    response = logged_in(central_hr.user).post(
        UNIT_EDIT.format(sub.pk),
        unit_form(number=sub.number, name="Gewerbeangelegenheiten", parent=amt_32.pk),
    )
    assert response.status_code == 302, form_errors(response)
    member.refresh_from_db()
    assert "gewerbeangelegenheiten" in member.search_document.lower()
    entry = AuditEntry.objects.get(action="directory.orgunit.edit")
    assert list(entry.changes) == ["name"]


# --- Restructuring and offboarding check their actor ---------------------------------------


@pytest.mark.parametrize("who", ["employee", "clerk", "root"])
def test_restructuring_services_refuse_everyone_but_central_hr(
    who, person_in_32, clerk_32, root, amt_32, amt_50
):
    actor = {"employee": person_in_32.user, "clerk": clerk_32.user, "root": root}[who]
    sub = abteilung(amt=amt_32, suffix="5")
    with pytest.raises(PermissionDenied):
        services.org_unit_move(unit=sub, parent=amt_50, actor=actor)
    with pytest.raises(PermissionDenied):
        services.org_unit_merge(source=amt_32, target=amt_50, actor=actor)
    assert OrgUnit.objects.filter(pk=amt_32.pk).exists()
    sub.refresh_from_db()
    assert sub.parent == amt_32


def test_clerk_cannot_offboard_outside_their_amt(clerk_32, person_in_50):
    with pytest.raises(PermissionDenied):
        services.person_deactivate(person=person_in_50, actor=clerk_32.user)
    person_in_50.refresh_from_db()
    assert person_in_50.is_active


def test_the_login_link_and_status_are_not_hr_fields(central_hr, person_in_32):
    other = UserFactory(username="fremd")
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_in_32, user=other, actor=central_hr.user)
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_in_32, is_active=False, actor=central_hr.user)
    person_in_32.refresh_from_db()
    assert person_in_32.user != other and person_in_32.is_active


def test_a_stale_instance_saves_nothing_the_check_did_not_see(clerk_32, person_in_32, amt_50):
    """The service writes the stored row: fields changed on the caller's object in memory
    (as a form does before save) are not saved behind the authorisation."""
    person_in_32.unit = amt_50
    services.person_update(person=person_in_32, function="Teamleitung", actor=clerk_32.user)
    person_in_32.refresh_from_db()
    assert person_in_32.unit.number == "32" and person_in_32.function == "Teamleitung"


# --- The superuser is IT operations: it administers, it does not become a member ---------


def test_superuser_is_not_hr_and_cannot_place_anyone(root, person_in_32, amt_32, amt_50):
    assert not permissions.user_is_central_hr(root)
    assert not permissions.user_may_use_hr_admin(root)
    assert not permissions.user_may_manage_staff(root, amt_32)
    client = logged_in(root)
    assert refused(client.get(PERSON_EDIT.format(person_in_32.pk)))
    assert refused(
        client.post(PERSON_EDIT.format(person_in_32.pk), person_form(person_in_32, unit=amt_50.pk))
    )
    assert refused(client.get("/admin/personalimport/"))
    assert refused(client.get("/admin/umstrukturieren/"))
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_in_32, unit=amt_50, actor=root)
    with pytest.raises(PermissionDenied):
        services.office_role_grant(
            person=person_in_32, amt=amt_50, role=OfficeRole.Role.PERSONAL, actor=root
        )
    person_in_32.refresh_from_db()
    assert person_in_32.unit == amt_32


def test_superuser_with_a_person_still_cannot_enter_another_amts_room(root, amt_32, amt_50):
    """IT operations with its own directory entry in Amt 50: whatever it edits, the Amt 32
    room stays closed (P4)."""
    me = PersonFactory(unit=amt_50, user=root)
    room = Room.objects.get(amt=amt_32)
    client = logged_in(root)
    client.post(PERSON_EDIT.format(me.pk), person_form(me, unit=amt_32.pk))
    client.post(ROLE_ADD, {"person": me.pk, "amt": amt_32.pk, "role": OfficeRole.Role.PERSONAL})
    me.refresh_from_db()
    assert me.unit == amt_50 and not OfficeRole.objects.filter(person=me).exists()
    assert client.get(reverse("chat:room", args=[room.pk])).status_code == 403


@pytest.mark.parametrize("who", ["employee", "mover"])
def test_employees_and_digital_movers_have_no_directory_admin(who, person_in_32, mover_32):
    user = {"employee": person_in_32.user, "mover": mover_32.user}[who]
    client = logged_in(user)
    for url in (PERSON_EDIT.format(person_in_32.pk), PERSON_ADD, ROLE_ADD, UNIT_ADD):
        assert refused(client.get(url)), url
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_in_32, function="x", actor=user)
