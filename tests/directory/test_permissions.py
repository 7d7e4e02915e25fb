"""directory/permissions.py: Ämter of a user and office-scoped HR rights."""

import pytest

from directory import permissions, services
from directory.models import OfficeRole
from tests.support.factories import PersonFactory, abteilung

pytestmark = pytest.mark.django_db


def test_amter_of_user(person_in_32, amt_32, amt_50):
    person_in_32.further_units.add(abteilung(amt=amt_50))
    services.person_groups_sync(person=person_in_32)
    assert set(permissions.amter_of_user(person_in_32.user)) == {amt_32, amt_50}
    assert permissions.viewer_amt_ids(person_in_32.user) == {amt_32.pk, amt_50.pk}
    services.person_update(person=person_in_32, is_active=False, actor=services.SYSTEM)
    assert list(permissions.amter_of_user(person_in_32.user)) == []


def test_central_hr_manages_staff_everywhere(person_in_32, amt_32, amt_50):
    person_in_32.user.groups.add(services.central_hr_group_ensure())
    assert permissions.user_may_manage_staff(person_in_32.user, amt_32)
    assert permissions.user_may_manage_staff(person_in_32.user, amt_50)


def test_hr_clerk_manages_only_their_own_amt(amt_32, amt_50):
    clerk = PersonFactory(unit=amt_32)
    services.office_role_grant(
        person=clerk, amt=amt_32, role=OfficeRole.Role.PERSONAL, actor=services.SYSTEM
    )
    user = type(clerk.user).objects.get(pk=clerk.user.pk)  # fresh permission cache
    assert permissions.user_may_manage_staff(user, amt_32)
    assert permissions.user_may_manage_staff(user, abteilung(amt=amt_32))
    assert not permissions.user_may_manage_staff(user, amt_50)


def test_ordinary_employee_manages_nothing(person_in_32, amt_32):
    assert not permissions.user_may_manage_staff(person_in_32.user, amt_32)
    assert not permissions.user_may_use_hr_admin(person_in_32.user)


def test_inactive_hr_manages_nothing(person_in_32, amt_32):
    person_in_32.user.groups.add(services.central_hr_group_ensure())
    person_in_32.user.is_active = False
    assert not permissions.user_may_manage_staff(person_in_32.user, amt_32)


def test_a_digital_mover_role_grants_no_hr_rights(person_in_32, amt_32):
    """Publishing rights live in the wiki's page permissions (tests/wiki/test_sections.py);
    the directory's role alone makes nobody an HR clerk."""
    services.office_role_grant(
        person=person_in_32, amt=amt_32, role=OfficeRole.Role.DIGITAL_MOVER, actor=services.SYSTEM
    )
    user = type(person_in_32.user).objects.get(pk=person_in_32.user.pk)
    assert not permissions.user_may_manage_staff(user, amt_32)
    assert not permissions.user_may_use_hr_admin(user)
