"""The chat protocol through the real Redis channel layer: rights (S2, P4), edits, mentions,
own unread counts (P3), replay and resync, idempotent resend, rate limit (S5), opt-ins (P2)."""

import asyncio
import time

import pytest
import time_machine
from asgiref.sync import sync_to_async

from chat import services
from chat.models import ChatPreference, Message, ReadCursor
from directory import services as directory_services
from tests.chat.conftest import open_socket, receive_until, send_message
from tests.support.factories import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


async def presence_eventually(socket, users: list[int], tries: int = 20) -> list[int]:
    """Who is online, asked again (briefly) until someone is."""
    online: list[int] = []
    for _ in range(tries):
        await socket.send_json_to({"type": "presence.query", "users": users})
        online = (await receive_until(socket, "presence"))["online"]
        if online:
            break
        await asyncio.sleep(0.05)
    return online


@pytest.fixture
def cross_room(person_in_32, person_in_50):
    room = services.cross_office_room_create(creator=person_in_32.user, name="Projekt E-Akte")
    services.room_invite(room=room, actor=person_in_32.user, users=[person_in_50.user])
    return room


async def test_amt_members_talk_and_others_are_refused(
    redis_layer, client, room_32, person_in_32, colleague_in_32, person_in_50, superuser
):
    lena = await open_socket(client, person_in_32.user)
    oezlem = await open_socket(client, colleague_in_32.user)
    other_amt = await open_socket(client, person_in_50.user)
    root = await open_socket(client, superuser)

    client_id = await send_message(lena, room_32.pk, "Hallo **Amt 32**")
    ack = await receive_until(lena, "ack")
    assert ack == {
        "type": "ack",
        "room": room_32.pk,
        "client_id": client_id,
        "seq": 1,
        "duplicate": False,
    }
    received = await receive_until(oezlem, "message")
    assert received["html"] == "<p>Hallo <strong>Amt 32</strong></p>"
    assert received["author"]["name"] == "Lena Müller"
    assert received["seq"] == 1

    # Another Amt and a superuser who is no member (P4): refused, and they hear nothing.
    for outsider in (other_amt, root):
        await send_message(outsider, room_32.pk, "Darf ich?")
        error = await receive_until(outsider, "error")
        assert error["code"] == "forbidden"
        await outsider.send_json_to({"type": "history", "room": room_32.pk, "before": 10})
        assert (await receive_until(outsider, "error"))["code"] == "forbidden"
        assert await outsider.receive_nothing(timeout=0.3)
    assert await sync_to_async(Message.objects.count)() == 1
    for socket in (lena, oezlem, other_amt, root):
        await socket.disconnect()


async def test_cross_office_members_from_two_amter_talk(
    redis_layer, client, cross_room, person_in_32, person_in_50, colleague_in_32
):
    lena = await open_socket(client, person_in_32.user)
    joerg = await open_socket(client, person_in_50.user)
    not_invited = await open_socket(client, colleague_in_32.user)

    await send_message(joerg, cross_room.pk, "Grüße aus dem Sozialamt")
    assert (await receive_until(lena, "message"))["text"] == "Grüße aus dem Sozialamt"
    await send_message(not_invited, cross_room.pk, "Ich auch?")
    assert (await receive_until(not_invited, "error"))["code"] == "forbidden"
    assert await not_invited.receive_nothing(timeout=0.3)
    for socket in (lena, joerg, not_invited):
        await socket.disconnect()


async def test_a_removed_member_stops_receiving_on_their_next_frame(
    redis_layer, client, room_32, person_in_32, colleague_in_32, amt_50
):
    lena = await open_socket(client, person_in_32.user)
    oezlem = await open_socket(client, colleague_in_32.user)

    # HR moves Özlem to another Amt; the directory takes her out of Amt 32's group.
    await sync_to_async(directory_services.person_update)(
        person=colleague_in_32, unit=amt_50, actor=directory_services.SYSTEM
    )
    await oezlem.send_json_to({"type": "ping"})
    left = await receive_until(oezlem, "room.left")
    assert left["room"] == room_32.pk

    await send_message(lena, room_32.pk, "Nur noch für Amt 32")
    await receive_until(lena, "ack")
    frames = []
    while not await oezlem.receive_nothing(timeout=0.3):
        frames.append(await oezlem.receive_json_from())
    assert all(
        frame.get("room") != room_32.pk or frame["type"] == "room.joined" for frame in frames
    )
    await oezlem.send_json_to(
        {"type": "send", "room": room_32.pk, "client_id": "x" * 10, "text": "?"}
    )
    assert (await receive_until(oezlem, "error"))["code"] == "forbidden"
    await lena.disconnect()
    await oezlem.disconnect()


async def test_edit_and_delete_rights(
    redis_layer, client, amt_32, room_32, person_in_32, colleague_in_32
):
    mover = await sync_to_async(PersonFactory)(unit=amt_32, first_name="Digital", last_name="Mover")
    await sync_to_async(directory_services.office_role_grant)(
        person=mover, amt=amt_32, role="digital_mover", actor=directory_services.SYSTEM
    )
    lena = await open_socket(client, person_in_32.user)
    oezlem = await open_socket(client, colleague_in_32.user)
    moderator = await open_socket(client, mover.user)

    await send_message(lena, room_32.pk, "Erster Endwurf")
    seq = (await receive_until(lena, "ack"))["seq"]
    await receive_until(oezlem, "message")

    # Someone else may neither edit nor delete Lena's message.
    await oezlem.send_json_to({"type": "edit", "room": room_32.pk, "seq": seq, "text": "Fake"})
    assert (await receive_until(oezlem, "error"))["code"] == "forbidden"
    await oezlem.send_json_to({"type": "delete", "room": room_32.pk, "seq": seq})
    assert (await receive_until(oezlem, "error"))["code"] == "forbidden"

    await lena.send_json_to(
        {"type": "edit", "room": room_32.pk, "seq": seq, "text": "Erster Entwurf"}
    )
    edited = await receive_until(oezlem, "message")
    assert (edited["seq"], edited["text"]) == (seq, "Erster Entwurf")
    assert edited["edited"] is not None and edited["rev"] > seq

    # A moderator (the Amt's Digital Mover) may not edit, but may delete.
    await moderator.send_json_to({"type": "edit", "room": room_32.pk, "seq": seq, "text": "x"})
    assert (await receive_until(moderator, "error"))["code"] == "forbidden"
    await moderator.send_json_to({"type": "delete", "room": room_32.pk, "seq": seq})
    deleted = await receive_until(oezlem, "message")
    assert deleted["deleted"] is True and deleted["text"] == "" and deleted["html"] == ""
    stored = await sync_to_async(Message.objects.get)(room=room_32, seq=seq)
    assert stored.deleted and stored.text == ""
    for socket in (lena, oezlem, moderator):
        await socket.disconnect()


async def test_mentions_reach_only_the_mentioned_member(
    redis_layer, client, room_32, person_in_32, colleague_in_32, person_in_50
):
    lena = await open_socket(client, person_in_32.user)
    oezlem = await open_socket(client, colleague_in_32.user)
    outsider = await open_socket(client, person_in_50.user)
    name = colleague_in_32.user.username
    await send_message(
        lena, room_32.pk, f"@{name} bitte ansehen, @{person_in_50.user.username} auch"
    )
    # The message (room group) and the mention (her own group) may come in either order.
    frames = {f["type"]: f for f in [await oezlem.receive_json_from() for _ in range(2)]}
    mention, message = frames["mention"], frames["message"]
    assert mention["room"] == room_32.pk and mention["by"] == "Lena Müller"
    assert f'<span class="chat-mention">@{name}</span>' in message["html"]
    # Not a member of the room: no notification, and the name stays plain text.
    assert f"@{person_in_50.user.username}</span>" not in message["html"]
    assert await outsider.receive_nothing(timeout=0.3)
    for socket in (lena, oezlem, outsider):
        await socket.disconnect()


async def test_unread_counts_belong_to_their_owner(
    redis_layer, client, room_32, person_in_32, colleague_in_32
):
    lena = await open_socket(client, person_in_32.user)
    for text in ("eins", "zwei", "drei"):
        await send_message(lena, room_32.pk, text)
        await receive_until(lena, "ack")
    oezlem = await open_socket(client, colleague_in_32.user)
    await oezlem.send_json_to({"type": "sync", "rooms": {}})
    synced = await receive_until(oezlem, "synced")
    assert synced["rooms"][str(room_32.pk)]["unread"] == 3

    await oezlem.send_json_to({"type": "read", "room": room_32.pk, "seq": 2})
    unread = await receive_until(oezlem, "unread")
    assert unread == {"type": "unread", "room": room_32.pk, "unread": 1, "mentions": 0}
    # P3: the author hears nothing about who read what.
    frames = []
    while not await lena.receive_nothing(timeout=0.3):
        frames.append(await lena.receive_json_from())
    assert [f for f in frames if f["type"] in ("unread", "synced")] == []
    await lena.send_json_to({"type": "sync", "rooms": {}})
    assert (await receive_until(lena, "synced"))["rooms"][str(room_32.pk)]["unread"] == 0
    cursor = await sync_to_async(ReadCursor.objects.get)(user=colleague_in_32.user)
    assert cursor.last_read_seq == 2
    await lena.disconnect()
    await oezlem.disconnect()


async def test_resend_is_idempotent_and_replay_fills_gaps(
    redis_layer, client, settings, room_32, person_in_32, colleague_in_32
):
    lena = await open_socket(client, person_in_32.user)
    client_id = await send_message(lena, room_32.pk, "nur einmal")
    first = await receive_until(lena, "ack")
    await send_message(lena, room_32.pk, "nur einmal", client_id=client_id)
    again = await receive_until(lena, "ack")
    assert again["seq"] == first["seq"] and again["duplicate"] is True
    assert await sync_to_async(Message.objects.filter(client_id=client_id).count)() == 1
    for index in range(4):
        await send_message(lena, room_32.pk, f"Nachricht {index}")
        await receive_until(lena, "ack")

    oezlem = await open_socket(client, colleague_in_32.user)
    await oezlem.send_json_to({"type": "sync", "rooms": {str(room_32.pk): 2}})
    replayed = []
    while (frame := await oezlem.receive_json_from()) and frame["type"] != "synced":
        replayed.append(frame)
    assert [(f["type"], f["seq"]) for f in replayed] == [("message", s) for s in (3, 4, 5)]

    settings.CHAT_REPLAY_LIMIT = 2
    await oezlem.send_json_to({"type": "sync", "rooms": {str(room_32.pk): 0}})
    assert await receive_until(oezlem, "resync") == {
        "type": "resync",
        "room": room_32.pk,
        "last_seq": 5,
    }
    await lena.disconnect()
    await oezlem.disconnect()


async def test_history_pages_backwards(redis_layer, client, room_32, person_in_32):
    lena = await open_socket(client, person_in_32.user)
    for index in range(5):
        await send_message(lena, room_32.pk, f"Nr. {index}")
        await receive_until(lena, "ack")
    await lena.send_json_to({"type": "history", "room": room_32.pk, "before": 4, "limit": 2})
    page = await receive_until(lena, "history")
    assert [m["seq"] for m in page["messages"]] == [2, 3] and page["complete"] is False
    await lena.send_json_to({"type": "history", "room": room_32.pk, "before": 2, "limit": 2})
    page = await receive_until(lena, "history")
    assert [m["seq"] for m in page["messages"]] == [1] and page["complete"] is True
    await lena.disconnect()


async def test_send_rate_is_limited_per_user(redis_layer, client, settings, room_32, person_in_32):
    settings.CHAT_SEND_RATE = 3
    lena = await open_socket(client, person_in_32.user)
    codes = []
    # The limit counts per fixed window: start at the beginning of the next one, so that
    # the four sends cannot straddle a window boundary.
    window = settings.CHAT_SEND_RATE_WINDOW
    with time_machine.travel((int(time.time()) // window + 1) * window, tick=True):
        for index in range(4):
            client_id = await send_message(lena, room_32.pk, f"schnell {index}")
            frame = await receive_until(lena, "ack" if index < 3 else "error")
            codes.append(frame.get("code", "ack"))
    assert codes == ["ack", "ack", "ack", "rate_limited"]
    assert frame["ref"] == client_id
    await lena.send_json_to({"type": "ping"})
    assert await receive_until(lena, "pong") == {"type": "pong"}  # S3: still connected
    await lena.disconnect()


async def test_typing_and_presence_need_the_persons_own_opt_in(
    redis_layer, client, room_32, person_in_32, colleague_in_32
):
    lena = await open_socket(client, person_in_32.user)
    oezlem = await open_socket(client, colleague_in_32.user)
    await lena.send_json_to({"type": "typing", "room": room_32.pk})
    assert (await receive_until(lena, "error"))["code"] == "feature_off"
    users = [person_in_32.user.pk, colleague_in_32.user.pk]
    await oezlem.send_json_to({"type": "presence.query", "users": users})
    assert (await receive_until(oezlem, "presence"))["online"] == []

    await sync_to_async(services.chat_preference_set)(
        user=person_in_32.user, share_presence=True, share_typing=True
    )
    await lena.send_json_to({"type": "typing", "room": room_32.pk})
    assert await receive_until(oezlem, "typing") == {
        "type": "typing",
        "room": room_32.pk,
        "name": "Lena Müller",
    }
    # Lena's flag is set when her socket handles the preference event, which need not
    # have finished when her typing frame arrived: ask until it shows (a few tries).
    assert await presence_eventually(oezlem, users) == [person_in_32.user.pk]

    # Switching off takes effect at once, and nothing about it is stored in a table.
    await sync_to_async(services.chat_preference_set)(
        user=person_in_32.user, share_presence=False, share_typing=False
    )
    await oezlem.send_json_to({"type": "presence.query", "users": users})
    assert (await receive_until(oezlem, "presence"))["online"] == []
    preference = await sync_to_async(ChatPreference.objects.get)(user=person_in_32.user)
    assert not preference.share_presence
    await lena.disconnect()
    await oezlem.disconnect()
