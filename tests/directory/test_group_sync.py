"""The Amt groups follow the directory: membership, roles, moves and leavers."""

import pytest
from django.contrib.auth.models import Group

from directory import services
from directory.models import OfficeGroup, OfficeRole, OrgUnit
from tests.support.factories import PersonFactory, abteilung

pytestmark = pytest.mark.django_db


def _group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_an_amt_gets_its_groups(amt_32):
    names = set(OfficeGroup.objects.filter(amt=amt_32).values_list("group__name", flat=True))
    assert names == {
        "Amt 32 – Mitarbeitende",
        "Amt 32 – Digital Movers",
        "Amt 32 – Redaktion",
        "Amt 32 – Personalsachbearbeitung",
    }


def test_a_person_in_an_abteilung_is_in_the_amt_member_group(amt_32):
    person = PersonFactory(unit=abteilung(amt=amt_32))
    assert _group_names(person.user) == {"Amt 32 – Mitarbeitende"}


def test_moving_a_person_to_another_amt_moves_the_membership(person_in_32, amt_50):
    services.person_update(person=person_in_32, unit=amt_50, actor=services.SYSTEM)
    assert _group_names(person_in_32.user) == {"Amt 50 – Mitarbeitende"}


def test_further_units_add_memberships(person_in_32, amt_50):
    person_in_32.further_units.add(amt_50)
    services.person_groups_sync(person=person_in_32)
    assert _group_names(person_in_32.user) == {"Amt 32 – Mitarbeitende", "Amt 50 – Mitarbeitende"}


def test_roles_put_people_in_role_groups_and_revoking_removes_them(person_in_32, amt_32):
    services.office_role_grant(
        person=person_in_32, amt=amt_32, role=OfficeRole.Role.DIGITAL_MOVER, actor=services.SYSTEM
    )
    assert "Amt 32 – Digital Movers" in _group_names(person_in_32.user)
    services.office_role_revoke(
        person=person_in_32, amt=amt_32, role=OfficeRole.Role.DIGITAL_MOVER, actor=services.SYSTEM
    )
    assert _group_names(person_in_32.user) == {"Amt 32 – Mitarbeitende"}


def test_a_leaver_loses_every_office_group_but_other_groups_stay(person_in_32):
    other = Group.objects.create(name="Moderatoren")
    person_in_32.user.groups.add(other)
    services.person_update(person=person_in_32, is_active=False, actor=services.SYSTEM)
    assert _group_names(person_in_32.user) == {"Moderatoren"}


def test_moving_an_abteilung_to_another_amt_moves_its_people(amt_32, amt_50):
    unit = abteilung(amt=amt_32, suffix="9", name="Gewerbe")
    person = PersonFactory(unit=unit)
    services.org_unit_update(unit=unit, parent=amt_50, actor=services.SYSTEM)
    assert _group_names(person.user) == {"Amt 50 – Mitarbeitende"}


def test_renumbering_an_amt_renames_its_groups(amt_32):
    services.org_unit_update(unit=amt_32, number="33", actor=services.SYSTEM)
    assert Group.objects.filter(name="Amt 33 – Mitarbeitende").exists()
    assert not Group.objects.filter(name__startswith="Amt 32 –").exists()


def test_unit_hierarchy_is_validated_in_german(amt_32):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.org_unit_create(
            kind=OrgUnit.Kind.SACHGEBIET,
            number="32.x",
            name="X",
            parent=amt_32,
            actor=services.SYSTEM,
        )
    assert "muss ein Abteilung sein" in str(error.value) or "Abteilung" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.org_unit_create(
            kind=OrgUnit.Kind.AMT,
            number="32",
            name="Doppelt",
            parent=amt_32.parent,
            actor=services.SYSTEM,
        )
    assert "bereits vergeben" in str(error.value)


def test_group_sync_query_count_does_not_grow_with_other_people(amt_32):
    from tests.support.queries import assert_query_count

    PersonFactory.create_batch(5, unit=amt_32)
    person = PersonFactory(unit=amt_32)
    # savepoint, further units, roles, the Amt groups, current groups, release
    with assert_query_count(6):
        services.person_groups_sync(person=person)
