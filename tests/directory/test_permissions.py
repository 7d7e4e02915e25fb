"""directory/permissions.py: Ämter of a user and office-scoped HR rights."""

import pytest

from directory import permissions, services
from directory.models import OfficeRole
from tests.support.factories import PersonFactory, abteilung

pytestmark = pytest.mark.django_db


def test_amter_of_user(person_in_32, amt_32, amt_50):
    assert list(permissions.amter_of_user(person_in_32.user)) == [amt_32]
    assert permissions.user_belongs_to_amt(person_in_32.user, amt_32)
    assert not permissions.user_belongs_to_amt(person_in_32.user, amt_50)


def test_central_hr_manages_staff_everywhere(person_in_32, amt_32, amt_50):
    person_in_32.user.groups.add(services.central_hr_group_ensure())
    assert permissions.user_may(person_in_32.user, "manage_staff", amt_32)
    assert permissions.user_may(person_in_32.user, "manage_staff", amt_50)


def test_hr_clerk_manages_only_their_own_amt(amt_32, amt_50):
    clerk = PersonFactory(unit=amt_32)
    services.office_role_grant(person=clerk, amt=amt_32, role=OfficeRole.Role.PERSONAL)
    user = type(clerk.user).objects.get(pk=clerk.user.pk)  # fresh permission cache
    assert permissions.user_may(user, "manage_staff", amt_32)
    assert permissions.user_may(user, "manage_staff", abteilung(amt=amt_32))
    assert not permissions.user_may(user, "manage_staff", amt_50)


def test_ordinary_employee_manages_nothing(person_in_32, amt_32):
    assert not permissions.user_may(person_in_32.user, "manage_staff", amt_32)
    assert not permissions.user_may(person_in_32.user, "publish", amt_32)


def test_inactive_hr_manages_nothing(person_in_32, amt_32):
    person_in_32.user.groups.add(services.central_hr_group_ensure())
    person_in_32.user.is_active = False
    assert not permissions.user_may(person_in_32.user, "manage_staff", amt_32)


def test_digital_mover_publishes_in_own_amt_only(person_in_32, amt_32, amt_50):
    services.office_role_grant(person=person_in_32, amt=amt_32, role=OfficeRole.Role.DIGITAL_MOVER)
    assert permissions.user_may(person_in_32.user, "publish", abteilung(amt=amt_32))
    assert not permissions.user_may(person_in_32.user, "publish", amt_50)


def test_unknown_action_is_an_error(person_in_32, amt_32):
    with pytest.raises(ValueError):
        permissions.user_may(person_in_32.user, "fly", amt_32)
