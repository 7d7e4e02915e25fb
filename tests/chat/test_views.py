"""The chat pages: rights (P4, S7), the composer without JavaScript, rooms, search, opt-ins."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from chat import services
from chat.models import ChatPreference, Message, Room
from tests.support.factories import PersonFactory, UserFactory
from tests.support.queries import assert_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def room_32(amt_32):
    return Room.objects.get(amt=amt_32)


def test_chat_opens_the_first_room_with_its_messages(client_32, room_32, person_in_32):
    services.message_send(
        user=person_in_32.user, room_id=room_32.pk, client_id="hallo-0001", text="**Hallo**"
    )
    response = client_32.get("/chat/")
    assert response.status_code == 302
    page = client_32.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>Hallo</strong>" in html
    assert 'data-testid="chat-composer"' in html
    assert "/static/js/chat." in html and "<script>" not in html.replace(
        'type="application/json"', ""
    )


def test_other_amter_and_superusers_get_403(client, client_32, amt_50, person_in_32):
    other_room = Room.objects.get(amt=amt_50)
    assert client_32.get(reverse("chat:room", args=[other_room.pk])).status_code == 403
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("chat:room", args=[other_room.pk])).status_code == 403
    assert (
        client.post(reverse("chat:room_post", args=[other_room.pk]), {"text": "x"}).status_code
        == 403
    )
    assert client.get(reverse("chat:room", args=[99999])).status_code == 404
    assert Message.objects.count() == 0


def test_the_composer_works_without_javascript(client_32, room_32):
    response = client_32.post(reverse("chat:room_post", args=[room_32.pk]), {"text": "ohne JS"})
    assert response.status_code == 302
    assert Message.objects.get().text == "ohne JS"


def test_room_for_unit_leads_members_to_their_amt_room(client_32, amt_32, amt_50, room_32):
    response = client_32.get(reverse("chat:room_for_unit", args=[amt_32.pk]))
    assert response["Location"] == reverse("chat:room", args=[room_32.pk])
    assert client_32.get(reverse("chat:room_for_unit", args=[amt_50.pk])).status_code == 403


def test_create_invite_and_leave_a_cross_office_room(client, client_32, person_in_50, amt_50):
    response = client_32.post(
        reverse("chat:room_create"), {"name": "Projekt E-Akte", "topic": "Austausch"}
    )
    room = Room.objects.get(name="Projekt E-Akte")
    assert response["Location"] == reverse("chat:room_invite", args=[room.pk])
    response = client_32.post(
        reverse("chat:room_invite", args=[room.pk]),
        {"usernames": f"@{person_in_50.user.username}, gibtsnicht"},
    )
    assert "Unbekannte Benutzernamen: gibtsnicht" in response.content.decode()
    client_32.post(
        reverse("chat:room_invite", args=[room.pk]), {"usernames": person_in_50.user.username}
    )
    client.force_login(person_in_50.user)
    assert client.get(reverse("chat:room", args=[room.pk])).status_code == 200
    client.post(reverse("chat:room_leave", args=[room.pk]))
    assert client.get(reverse("chat:room", args=[room.pk])).status_code == 403


def test_the_dm_picker_finds_people_by_name_never_by_login(
    client_32, person_in_32, person_in_50, amt_50
):
    without_account = PersonFactory(
        unit=amt_50, first_name="Jörg", last_name="Ohnekonto", user=None
    )
    leaver = PersonFactory(unit=amt_50, first_name="Jörg", last_name="Gegangen")
    leaver.user.is_active = False
    leaver.user.save()
    html = client_32.get(reverse("chat:direct_picker"), {"q": "Jörg"}).content.decode()
    assert "Jörg Weiß" in html
    # No login names on the page, and only people who can be messaged.
    assert person_in_50.user.username not in html
    assert "Ohnekonto" not in html and "Gegangen" not in html
    assert str(without_account.uuid) not in html
    # The user never meets themselves, even when the query matches them.
    assert (
        "Lena Müller</a>"
        not in client_32.get(reverse("chat:direct_picker"), {"q": "Müller"}).content.decode()
    )


def test_nachricht_senden_opens_or_creates_the_one_direct_conversation(client_32, person_in_50):
    start = reverse("chat:direct_start")
    response = client_32.post(start, {"person": str(person_in_50.uuid)})
    room = Room.objects.get(kind=Room.Kind.DIRECT)
    assert response["Location"] == reverse("chat:room", args=[room.pk])
    assert "Jörg Weiß" in client_32.get(response["Location"]).content.decode()
    again = client_32.post(start, {"person": str(person_in_50.uuid)})
    assert again["Location"] == response["Location"]
    assert Room.objects.filter(kind=Room.Kind.DIRECT).count() == 1


def test_nachricht_senden_refuses_people_who_cannot_be_messaged(client_32, person_in_32, amt_50):
    without_account = PersonFactory(unit=amt_50, user=None)
    leaver = PersonFactory(unit=amt_50)
    leaver.user.is_active = False
    leaver.user.save()
    start = reverse("chat:direct_start")
    for person in (without_account, leaver, person_in_32):
        response = client_32.post(start, {"person": str(person.uuid)}, follow=True)
        assert response.redirect_chain[0][0] == reverse("chat:direct_picker")
        assert "nicht erreichbar" in response.content.decode() or (
            "an sich selbst" in response.content.decode()
        )
    assert client_32.post(start, {"person": "kein-uuid"}).status_code == 302
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


def test_a_profile_offers_nachricht_senden_except_on_ones_own(
    client_32, person_in_32, person_in_50
):
    other = client_32.get(reverse("directory:person", args=[person_in_50.uuid])).content.decode()
    assert 'data-testid="direct-message"' in other
    assert f'name="person" value="{person_in_50.uuid}"' in other
    own = client_32.get(reverse("directory:person", args=[person_in_32.uuid])).content.decode()
    assert 'data-testid="direct-message"' not in own


def test_search_finds_only_messages_the_user_may_read(
    client_32, room_32, person_in_32, person_in_50, amt_50
):
    services.message_send(
        user=person_in_32.user, room_id=room_32.pk, client_id="such-00001", text="Hundesteuer 32"
    )
    other = Room.objects.get(amt=amt_50)
    services.message_send(
        user=person_in_50.user, room_id=other.pk, client_id="such-00002", text="Hundesteuer 50"
    )
    html = client_32.get(reverse("chat:search"), {"q": "hundesteuer"}).content.decode()
    assert "Hundesteuer 32" in html and "Hundesteuer 50" not in html


def test_presence_and_typing_are_off_until_the_person_opts_in(client_32, person_in_32):
    page = client_32.get(reverse("chat:preferences")).content.decode()
    assert "checked" not in page
    client_32.post(reverse("chat:preferences"), {"share_typing": "on"})
    preference = ChatPreference.objects.get(user=person_in_32.user)
    assert (preference.share_presence, preference.share_typing) == (False, True)


@pytest.mark.parametrize("count", [2, 40])
def test_room_page_query_count_does_not_grow_with_messages(
    client_32, room_32, person_in_32, count, settings
):
    settings.CHAT_SEND_RATE = 1000
    for index in range(count):
        services.message_send(
            user=person_in_32.user, room_id=room_32.pk, client_id=f"q-{index:06d}", text=str(index)
        )
    url = reverse("chat:room", args=[room_32.pk])
    client_32.get(url)  # warm the session
    # user, room, rights, room list with own unread counts, history, members (a count only
    # past 100 members), preference, and the shell's own (person, permissions): the same for
    # 2 or 40 messages.
    with assert_query_count(10):
        assert client_32.get(url).status_code == 200


def test_history_times_are_in_the_portals_time_zone_also_near_midnight_utc(
    client_32, room_32, person_in_32
):
    # 23:30 UTC on 3 December is 00:30 on 4 December in Berlin: the page must say 00:30,
    # as the live client does, not the UTC wall time of the ISO string.
    with time_machine.travel(datetime(2026, 12, 3, 23, 30, tzinfo=UTC), tick=False):
        services.message_send(
            user=person_in_32.user, room_id=room_32.pk, client_id="tz-000001", text="spät"
        )
    html = client_32.get(reverse("chat:room", args=[room_32.pk])).content.decode()
    assert 'datetime="2026-12-03T23:30:00+00:00"' in html
    assert ">00:30</time>" in html and ">23:30</time>" not in html
    assert 'data-time-zone="Europe/Berlin"' in html


def test_a_room_without_unread_messages_has_a_hidden_badge(client_32, room_32, person_in_32):
    html = client_32.get(reverse("chat:room", args=[room_32.pk])).content.decode()
    badge = re.search(rf'<span [^>]*data-unread="{room_32.pk}"[^>]*>', html).group(0)
    assert " hidden" in badge


def _bulk_history(room, author, count):
    """`count` messages straight into the table: a long-lived room, without the send path."""
    Message.objects.bulk_create(
        Message(room=room, author=author, seq=n, rev=n, client_id=f"b-{n}", text=str(n), html="")
        for n in range(1, count + 1)
    )
    Room.objects.filter(pk=room.pk).update(last_seq=count)


def test_a_room_with_10000_messages_opens_with_its_last_page_only(client_32, room_32, person_in_32):
    _bulk_history(room_32, person_in_32.user, 10_000)
    url = reverse("chat:room", args=[room_32.pk])
    client_32.get(url)
    with assert_query_count(10):
        html = client_32.get(url).content.decode()
    assert 'data-seq="10000"' in html and 'data-seq="9951"' in html
    assert 'data-seq="9950"' not in html
    assert "data-chat-older" in html


def test_a_permalink_opens_the_room_at_that_message_for_members_only(
    client, client_32, room_32, person_in_32, person_in_50
):
    _bulk_history(room_32, person_in_32.user, 10_000)
    url = reverse("chat:message", args=[room_32.pk, 120])
    client_32.get(url)
    with assert_query_count(10):  # the same as opening the room
        html = client_32.get(url).content.decode()
    assert 'data-focus="120"' in html and 'id="nachricht-120"' in html
    assert 'data-detached="1"' in html  # newer messages are one link away
    assert 'data-seq="10000"' not in html
    # The newest messages open as the room itself does.
    recent = client_32.get(reverse("chat:message", args=[room_32.pk, 9990])).content.decode()
    assert 'data-detached="0"' in recent and 'data-seq="10000"' in recent
    assert client_32.get(reverse("chat:message", args=[room_32.pk, 20_000])).status_code == 404
    client.force_login(person_in_50.user)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Kein Zugriff" in refused.content.decode()
    assert "nachricht-120" not in refused.content.decode()


def test_the_room_list_has_sections_and_a_list_view_for_phones(client_32, room_32, person_in_50):
    services.direct_room_get_or_create(user=person_in_50.user, other=_own_user(client_32))
    html = client_32.get(reverse("chat:index") + "?raeume").content.decode()
    assert 'data-testid="chat-sidebar"' in html and 'data-testid="chat-pane"' not in html
    assert ">Ämter</h3>" in html and ">Direktnachrichten</h3>" in html
    assert ">Ämterübergreifend</h3>" not in html  # no empty sections


def _own_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_search_in_one_room(client_32, room_32, person_in_32):
    other = services.cross_office_room_create(creator=person_in_32.user, name="Zweiter Raum")
    for room, client_id in ((room_32, "r-1"), (other, "r-2")):
        services.message_send(
            user=person_in_32.user, room_id=room.pk, client_id=client_id, text=f"Akte {room.pk}"
        )
    html = client_32.get(reverse("chat:search"), {"q": "Akte", "raum": other.pk}).content.decode()
    assert f"Akte {other.pk}" in html and f"Akte {room_32.pk}</p>" not in html
