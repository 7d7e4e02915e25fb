"""Rooms follow the directory; retention purge (P7); leaving; direct messages; no admin (P4)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from chat import permissions, services
from chat.models import Mention, Message, ReadCursor, Room
from directory import services as directory_services
from directory.models import OrgUnit
from intranet.models import AuditEntry
from tests.support.factories import PersonFactory, amt_with_groups, referat

pytestmark = pytest.mark.django_db


def _send(user, room, text, client_id):
    return services.message_send(user=user, room_id=room.pk, client_id=client_id, text=text)[0]


def test_a_new_amt_gets_its_room_with_rights_for_its_groups(person_in_32, amt_32):
    room = Room.objects.get(amt=amt_32)
    assert room.kind == Room.Kind.AMT and room.name == "32 – Amt für öffentliche Ordnung"
    assert permissions.room_actions_for_user(person_in_32.user, room.pk) == {"view", "post"}
    directory_services.office_role_grant(
        person=person_in_32, amt=amt_32, role="digital_mover", actor=directory_services.SYSTEM
    )
    assert "moderate" in permissions.room_actions_for_user(person_in_32.user, room.pk)
    # Renaming the Amt renames its room; sync for existing Ämter is idempotent.
    directory_services.org_unit_update(
        unit=amt_32, name="Ordnungsamt", actor=directory_services.SYSTEM
    )
    room.refresh_from_db()
    assert room.name == "32 – Ordnungsamt"
    assert services.amt_rooms_ensure_all() == 1
    assert Room.objects.filter(kind=Room.Kind.AMT).count() == 1


def test_people_of_abteilungen_and_further_units_are_members(amt_32, amt_50):
    abteilung = directory_services.org_unit_create(
        kind=OrgUnit.Kind.ABTEILUNG,
        number="32.1",
        name="Bürgerservice",
        parent=amt_32,
        actor=directory_services.SYSTEM,
    )
    person = PersonFactory(unit=abteilung)
    person.further_units.add(amt_50)
    directory_services.person_groups_sync(person=person)
    assert {r.amt_id for r in permissions.rooms_for_user(person.user)} == {amt_32.pk, amt_50.pk}


def test_superusers_and_inactive_people_get_no_rooms(person_in_32, amt_32):
    from tests.support.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    assert list(permissions.rooms_for_user(root)) == []
    person_in_32.user.is_active = False
    person_in_32.user.save()
    assert list(permissions.rooms_for_user(person_in_32.user)) == []


def test_purge_deletes_expired_messages_completely(settings, person_in_32, colleague_in_32, amt_32):
    settings.CHAT_RETENTION_DAYS = 30
    amt_room = Room.objects.get(amt=amt_32)
    short = services.cross_office_room_create(creator=person_in_32.user, name="Kurzlebig")
    short.retention_days = 7
    short.save()
    name = colleague_in_32.user.username
    old = _send(person_in_32.user, amt_room, f"alt @{name}", "alt-00001")
    young = _send(person_in_32.user, amt_room, "jung", "jung-00001")
    short_old = _send(person_in_32.user, short, "eine Woche alt", "kurz-00001")
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    Message.objects.filter(pk=young.pk).update(created_at=timezone.now() - timedelta(days=29))
    Message.objects.filter(pk=short_old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert Mention.objects.count() == 1

    call_command("purge_chat")

    assert list(Message.objects.values_list("pk", flat=True)) == [young.pk]
    assert Mention.objects.count() == 0
    # Nothing else holds the text: search finds nothing of it any more.
    from chat.selectors import message_search

    assert message_search(user=person_in_32.user, query="alt") == []


def test_leaving_a_cross_office_room(person_in_32, person_in_50, amt_50):
    room = services.cross_office_room_create(creator=person_in_32.user, name="Projekt")
    services.room_invite(room=room, actor=person_in_32.user, users=[person_in_50.user])
    assert AuditEntry.objects.filter(action="chat.room_invite").count() == 1
    services.room_leave(room=room, user=person_in_50.user)
    assert not permissions.user_may(person_in_50.user, "view", room)
    # Invited as a whole Amt: membership follows the directory, leaving alone is refused.
    services.room_invite(room=room, actor=person_in_32.user, amter=[amt_50])
    assert permissions.user_may(person_in_50.user, "post", room)
    with pytest.raises(ValidationError):
        services.room_leave(room=room, user=person_in_50.user)
    newcomer = PersonFactory(unit=amt_50)
    assert permissions.user_may(newcomer.user, "view", room)


def test_only_members_who_write_may_invite(person_in_32, person_in_50):
    room = services.cross_office_room_create(creator=person_in_32.user, name="Projekt")
    with pytest.raises(services.ChatError):
        services.room_invite(room=room, actor=person_in_50.user, users=[person_in_50.user])


def test_direct_messages_between_any_two_people(person_in_32, person_in_50, colleague_in_32):
    room = services.direct_room_get_or_create(user=person_in_32.user, other=person_in_50.user)
    again = services.direct_room_get_or_create(user=person_in_50.user, other=person_in_32.user)
    assert room == again
    assert permissions.user_may(person_in_50.user, "post", room)
    assert not permissions.user_may(colleague_in_32.user, "view", room)
    with pytest.raises(ValidationError):
        services.direct_room_get_or_create(user=person_in_32.user, other=person_in_32.user)


def test_authors_who_left_are_no_longer_named(person_in_32, amt_32):
    from chat.selectors import message_history

    room = Room.objects.get(amt=amt_32)
    _send(person_in_32.user, room, "Tschüss", "tschuess-01")
    person_in_32.user.is_active = False
    person_in_32.user.save()
    [payload] = message_history(room_id=room.pk)
    assert payload["author"] == {"id": None, "name": "ehemalige*r Mitarbeitende*r", "url": ""}


def test_read_cursor_only_moves_forward(person_in_32, amt_32):
    room = Room.objects.get(amt=amt_32)
    services.read_cursor_set(user=person_in_32.user, room_id=room.pk, seq=5)
    services.read_cursor_set(user=person_in_32.user, room_id=room.pk, seq=2)
    assert ReadCursor.objects.get(user=person_in_32.user).last_read_seq == 5


def test_chat_content_is_in_no_admin():
    from wagtail.snippets.models import get_snippet_models

    from chat import models

    chat_models = {
        models.Room,
        models.Message,
        models.Mention,
        models.ReadCursor,
        models.ChatPreference,
    }
    if apps.is_installed("django.contrib.admin"):
        from django.contrib import admin

        assert not chat_models & set(admin.site._registry)
    assert not chat_models & set(get_snippet_models())


def test_every_amt_made_through_the_directory_gets_a_room():
    amt = amt_with_groups(number="66", name="Tiefbauamt", referat_number=referat("SWU").number)
    assert Room.objects.filter(amt=amt).exists()


def test_merging_two_amter_keeps_the_old_rooms_history_for_the_remaining_amt(
    person_in_32, person_in_50, amt_32, amt_50
):
    room = Room.objects.get(amt=amt_32)
    _send(person_in_32.user, room, "Vor der Zusammenlegung", "c-merge-1")
    directory_services.org_unit_merge(source=amt_32, target=amt_50, actor=directory_services.SYSTEM)
    room.refresh_from_db()
    assert room.kind == Room.Kind.CROSS_OFFICE and room.amt is None
    assert room.name == "32 – Amt für öffentliche Ordnung (bis zur Zusammenlegung)"
    assert room.messages.get().text == "Vor der Zusammenlegung"
    # Everybody now in Amt 50, the moved people included, can read the old room.
    for person in (person_in_32, person_in_50):
        assert {"view", "post"} <= permissions.room_actions_for_user(person.user, room.pk)
    assert Room.objects.get(amt=amt_50).kind == Room.Kind.AMT
