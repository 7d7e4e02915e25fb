"""seed_demo is re-runnable and creates the demo logins the README names."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from directory.models import OrgUnit, Person
from intranet.management.commands.seed_demo import DEMO_LOGIN_ROLES, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_changes_nothing_the_second_time(capsys):
    call_command("seed_demo", people=25)
    counts = (OrgUnit.objects.count(), Person.objects.count())
    groups = {
        p.pk: set(p.user.groups.values_list("pk", flat=True))
        for p in Person.objects.select_related("user")
    }
    call_command("seed_demo", people=25)
    assert (OrgUnit.objects.count(), Person.objects.count()) == counts
    assert groups == {
        p.pk: set(p.user.groups.values_list("pk", flat=True))
        for p in Person.objects.select_related("user")
    }
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT).count() == 12
    assert Person.objects.filter(last_name__regex=r"[äöüßÄÖÜ]").exists()
    output = capsys.readouterr().out
    for username in DEMO_LOGIN_ROLES:
        assert username in output


def test_demo_logins_work_and_have_their_roles():
    call_command("seed_demo", people=5)
    for username in DEMO_LOGIN_ROLES:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    dm32 = Person.objects.get(user__username="dm32").user
    assert dm32.groups.filter(name="Amt 32 – Digital Movers").exists()
    hr = Person.objects.get(user__username="hr").user
    assert hr.has_perm("directory.manage_staff")
    ma32 = Person.objects.get(user__username="ma32").user
    assert set(ma32.groups.values_list("name", flat=True)) == {"Amt 32 – Mitarbeitende"}


def test_seeding_the_chat_history_leaves_the_sending_budget_untouched():
    """The seed backdates dozens of messages for dm32 (more than CHAT_SEND_RATE when the
    directory is small); right after `make run` the person must still be able to write."""
    from chat import services
    from chat.models import Message, Room

    call_command("seed_demo", people=5)
    dm32 = Person.objects.get(user__username="dm32").user
    assert Message.objects.filter(author=dm32).count() > 30
    room = Room.objects.get(amt__number="32")
    message, duplicate = services.message_send(
        user=dm32, room_id=room.pk, client_id="after-seed", text="Guten Morgen"
    )
    assert not duplicate and message.text == "Guten Morgen"
