"""Issue 11.1/11.2: the directory is the only way into an Amt's groups (P4).

Every admin path that touches group memberships is driven here as a superuser (IT
operations), and the Amt room and restricted sections stay closed to him.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse

from chat.models import Room
from directory import services
from directory.models import OfficeGroup
from directory.office_groups import OfficeGroupManagedByDirectory
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def office_group(amt, kind=OfficeGroup.Kind.MEMBERS) -> Group:
    return OfficeGroup.objects.get(amt=amt, kind=kind).group


@pytest.fixture
def root():
    return UserFactory(username="it-betrieb", is_superuser=True, is_staff=True)


@pytest.fixture
def root_client(root):
    client = Client()
    client.force_login(root)
    return client


def user_form(user, groups, **extra):
    return {
        "username": user.username,
        "first_name": user.first_name or "Kim",
        "last_name": user.last_name or "Beispiel",
        "email": user.email or f"{user.username}@stadt.example",
        "is_active": "on",
        "groups": [group.pk for group in groups],
        "password1": "",
        "password2": "",
        **extra,
    }


def test_superuser_cannot_tick_himself_into_an_amt_group(root, root_client, amt_32):
    room = Room.objects.get(amt=amt_32)
    response = root_client.post(
        f"/admin/users/edit/{root.pk}/", user_form(root, [office_group(amt_32)])
    )
    assert response.status_code == 302, response.context["form"].errors
    assert not root.groups.filter(office_group__amt=amt_32).exists()
    assert root_client.get(reverse("chat:room", args=[room.pk])).status_code == 403


def test_superuser_cannot_put_another_account_into_an_amt_group(root_client, amt_32, amt_50):
    helper = UserFactory(username="komplize")
    response = root_client.post(
        f"/admin/users/edit/{helper.pk}/", user_form(helper, [office_group(amt_50)])
    )
    assert response.status_code == 302
    assert not helper.groups.exists()
    created = root_client.post(
        "/admin/users/new/",
        {
            "username": "neu",
            "email": "neu@stadt.example",
            "first_name": "Neu",
            "last_name": "Konto",
            "password1": "Ein-langes-Passwort-2026",
            "password2": "Ein-langes-Passwort-2026",
            "groups": [office_group(amt_32).pk],
        },
    )
    assert created.status_code == 302, created.content.decode()[:1500]
    assert not Group.objects.filter(user__username="neu").exists()


def test_user_editor_keeps_directory_memberships_and_shows_them_locked(
    root_client, person_in_32, amt_32
):
    user = person_in_32.user
    other = Group.objects.create(name="Projektgruppe Digitalisierung")
    page = root_client.get(f"/admin/users/edit/{user.pk}/").content.decode()
    assert "wird aus dem Personenverzeichnis gepflegt" in page
    members = office_group(amt_32)
    assert f'value="{members.pk}"' in page
    # Unticking the Amt group (it is not posted) and adding another group:
    response = root_client.post(f"/admin/users/edit/{user.pk}/", user_form(user, [other]))
    assert response.status_code == 302
    assert set(user.groups.all()) == {members, other}


def test_nobody_edits_their_own_groups(person_in_32):
    """Four-eyes: an administrator's own roles are set by a second one."""
    user = person_in_32.user
    user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    hr = services.central_hr_group_ensure()
    page = client.get(f"/admin/users/edit/{user.pk}/").content.decode()
    assert "Vier-Augen-Prinzip" in page
    response = client.post(f"/admin/users/edit/{user.pk}/", user_form(user, [hr]))
    assert response.status_code == 302
    assert not user.groups.filter(pk=hr.pk).exists()


def test_assign_role_bulk_action_offers_no_amt_group(root_client, amt_32):
    target = UserFactory(username="ziel")
    url = f"/admin/bulk/auth/user/assign_role/?id={target.pk}"
    page = root_client.get(url).content.decode()
    assert str(office_group(amt_32)) not in page
    response = root_client.post(url, {"role": office_group(amt_32).pk})
    assert response.status_code == 200  # the form refuses the choice
    assert not target.groups.exists()


def test_assign_role_bulk_action_skips_oneself(root, root_client):
    hr = services.central_hr_group_ensure()
    root_client.post(f"/admin/bulk/auth/user/assign_role/?id={root.pk}", {"role": hr.pk})
    assert not root.groups.exists()


def test_group_editor_neither_deletes_nor_renames_amt_groups(root_client, amt_32):
    members = office_group(amt_32)
    # Wagtail's admin answers a refusal with a redirect to the dashboard and a message.
    for response in (
        root_client.get(f"/admin/groups/delete/{members.pk}/"),
        root_client.post(f"/admin/groups/delete/{members.pk}/"),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert Group.objects.filter(pk=members.pk).exists()
    page = root_client.get(f"/admin/groups/edit/{members.pk}/").content.decode()
    assert "wird aus dem Personenverzeichnis gepflegt" in page


@pytest.mark.parametrize(
    "write",
    [
        lambda user, group: user.groups.add(group),
        lambda user, group: group.user_set.add(user),
        lambda user, group: user.groups.set([group]),
    ],
    ids=["user.groups.add", "group.user_set.add", "user.groups.set"],
)
def test_every_other_path_into_an_amt_group_is_refused(amt_32, write):
    user = UserFactory()
    with pytest.raises(OfficeGroupManagedByDirectory), transaction.atomic():
        write(user, office_group(amt_32))
    assert not user.groups.exists()


@pytest.mark.parametrize(
    "write",
    [
        lambda user, group: user.groups.remove(group),
        lambda user, group: user.groups.clear(),
        lambda user, group: group.user_set.clear(),
        lambda user, group: group.delete(),
    ],
    ids=["user.groups.remove", "user.groups.clear", "group.user_set.clear", "group.delete"],
)
def test_nobody_is_taken_out_of_an_amt_group_behind_the_directory(person_in_32, amt_32, write):
    group = office_group(amt_32)
    with pytest.raises(OfficeGroupManagedByDirectory), transaction.atomic():
        write(person_in_32.user, group)
    assert person_in_32.user.groups.filter(pk=group.pk).exists()


def test_the_directory_itself_still_moves_people_between_amt_groups(person_in_32, amt_32, amt_50):
    services.person_update(person=person_in_32, unit=amt_50, actor=services.SYSTEM)
    groups = set(person_in_32.user.groups.all())
    assert office_group(amt_50) in groups and office_group(amt_32) not in groups
