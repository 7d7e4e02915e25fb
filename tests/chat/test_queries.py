"""Query counts of every chat round trip: connect, send, history, room list, sync."""

import pytest

from chat import selectors, services
from chat.consumers import _socket_state
from chat.models import Room
from tests.support.queries import assert_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.CHAT_SEND_RATE = 10_000


@pytest.fixture
def room(amt_32):
    return Room.objects.get(amt=amt_32)


def _fill(user, room, count, prefix="m"):
    for index in range(count):
        services.message_send(
            user=user, room_id=room.pk, client_id=f"{prefix}-{index:06d}", text=f"Nr. {index}"
        )


def test_connect_reads_the_user_and_their_rooms_in_two_queries(person_in_32, room):
    with assert_query_count(2):
        user, rooms = _socket_state(person_in_32.user.pk)
    assert rooms == {room.pk}


@pytest.mark.parametrize("existing", [0, 20])
def test_send_costs_the_same_however_full_the_room(person_in_32, room, existing):
    _fill(person_in_32.user, room, existing)
    # savepoint, rights, client id, next seq (UPDATE … RETURNING), insert, release
    with assert_query_count(6):
        services.message_send(
            user=person_in_32.user, room_id=room.pk, client_id="neu-000001", text="x"
        )


def test_send_with_a_mention_adds_two_queries(person_in_32, colleague_in_32, room):
    with assert_query_count(8):  # + mentioned members, + mention insert
        services.message_send(
            user=person_in_32.user,
            room_id=room.pk,
            client_id="neu-000002",
            text=f"@{colleague_in_32.user.username} hallo",
        )


@pytest.mark.parametrize("existing", [3, 60])
def test_history_page_is_one_query(person_in_32, room, existing):
    _fill(person_in_32.user, room, existing)
    with assert_query_count(1):
        page = selectors.message_history(room_id=room.pk, before=existing + 1, limit=50)
    assert len(page) == min(existing, 50)


def test_room_list_is_one_query_plus_one_for_direct_partners(
    person_in_32, person_in_50, colleague_in_32, room
):
    with assert_query_count(1):
        selectors.room_list_for_user(user=person_in_32.user)
    services.direct_room_get_or_create(user=person_in_32.user, other=person_in_50.user)
    services.direct_room_get_or_create(user=person_in_32.user, other=colleague_in_32.user)
    with assert_query_count(2):
        rooms = selectors.room_list_for_user(user=person_in_32.user)
    assert {r.name for r in rooms} >= {"Jörg Weiß", "Özlem Yılmaz"}


def test_replay_is_one_query_for_all_rooms(person_in_32, room):
    _fill(person_in_32.user, room, 5)
    other = services.cross_office_room_create(creator=person_in_32.user, name="Zweiter Raum")
    _fill(person_in_32.user, other, 5, prefix="o")
    with assert_query_count(1):
        replay = selectors.messages_missed(
            cursors={room.pk: 2, other.pk: 4}, last_seqs={room.pk: 5, other.pk: 5}
        )
    assert [(m["room"], m["seq"]) for m in replay.messages] == [
        (room.pk, 3),
        (room.pk, 4),
        (room.pk, 5),
        (other.pk, 5),
    ]


@pytest.mark.parametrize("matches", [1, 6])
def test_dm_picker_costs_the_same_for_one_or_many_matches(person_in_32, amt_50, matches):
    from tests.support.factories import PersonFactory

    for index in range(matches):
        PersonFactory(unit=amt_50, first_name="Björn", last_name=f"Köhler{index}")
    # search ids, the people with their units, their further units, the viewer's Ämter
    with assert_query_count(4):
        found = selectors.direct_partner_candidates(user=person_in_32.user, query="Björn")
    assert len(found) == matches
