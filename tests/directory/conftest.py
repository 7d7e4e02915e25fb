"""Fixtures for the directory tests: people in two Ämter and logged-in clients."""

import pytest

from directory import services
from directory.models import OfficeRole
from tests.support.factories import PersonFactory


@pytest.fixture
def colleague_in_32(amt_32):
    return PersonFactory(unit=amt_32, first_name="Özlem", last_name="Yılmaz")


@pytest.fixture
def central_hr(amt_32):
    person = PersonFactory(unit=amt_32, first_name="Jana", last_name="Schäfer")
    person.user.groups.add(services.central_hr_group_ensure())
    return person


@pytest.fixture
def clerk_32(amt_32):
    person = PersonFactory(unit=amt_32, first_name="Paula", last_name="Personal")
    services.office_role_grant(
        person=person, amt=amt_32, role=OfficeRole.Role.PERSONAL, actor=services.SYSTEM
    )
    return person


def person_form(person, **changes) -> dict:
    """The person editor's POST data for `person` as stored, with `changes` on top."""
    data = {
        "personnel_number": person.personnel_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "unit": person.unit_id,
        "further_units": [unit.pk for unit in person.further_units.all()] if person.pk else [],
        "function": person.function,
        "responsibilities": person.responsibilities,
        "phone": person.phone,
        "email": person.email,
        "room": person.room,
        "entry_date": "",
        "exit_date": "",
        "deputy": "",
    }
    data.update(changes)
    return data


def login(client, person):
    client.force_login(person.user)
    return client


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    """Most tests search often; the rate limit has its own test (test_pages.py)."""
    settings.DIRECTORY_SEARCH_PER_MINUTE = 100_000
