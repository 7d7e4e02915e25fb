"""Session end is socket end (issue 12): logout, expiry, "Meine Daten" and offboarding close
exactly the sockets of the ended session with 4003, and no frame of it is handled after.

These run the ASGI app in-process; tests/chat/test_session_end_daphne.py does the same
through two daphne processes and Redis."""

import datetime
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from chat.models import Message
from directory import services
from directory.models import LoginSession
from intranet.asgi import application
from intranet.sessions import session_store
from tests.support.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


def _login(user) -> Client:
    client = Client()  # one per session: the same person on two devices
    client.force_login(user)
    return client


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _open(client: Client) -> WebsocketCommunicator:
    cookie = (b"cookie", f"{settings.SESSION_COOKIE_NAME}={_key(client)}".encode())
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, cookie])
    connected, _subprotocol = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def _closed_with(communicator) -> int:
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def _alive(communicator) -> bool:
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    return await communicator.receive_json_from(timeout=3) == {"type": "pong"}


def _expire(session_key: str) -> None:
    """What time does to a session: the row's expiry passes and the cache entry times out."""
    Session.objects.filter(session_key=session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    store = session_store(session_key)
    store._cache.delete(store.cache_key)


async def test_logout_closes_that_sessions_socket_only(person_in_32):
    laptop = await sync_to_async(_login)(person_in_32.user)
    phone = await sync_to_async(_login)(person_in_32.user)
    on_laptop, on_phone = await _open(laptop), await _open(phone)

    response = await sync_to_async(laptop.post)("/abmelden/")
    assert response.status_code == 302

    assert await _closed_with(on_laptop) == 4003
    assert await _alive(on_phone)  # the other device's session goes on
    await on_phone.disconnect()


async def test_an_expired_session_closes_on_its_next_frame_and_the_frame_is_not_handled(
    person_in_32, room_32
):
    laptop = await sync_to_async(_login)(person_in_32.user)
    socket = await _open(laptop)
    await sync_to_async(_expire)(_key(laptop))

    send = {"type": "send", "room": room_32.pk, "client_id": "nach-ablauf-1", "text": "Hallo"}
    await socket.send_to(text_data=json.dumps(send))
    assert await _closed_with(socket) == 4003
    assert not await sync_to_async(Message.objects.filter(client_id="nach-ablauf-1").exists)()


async def test_a_session_ended_in_my_data_closes_its_socket(person_in_32):
    laptop = await sync_to_async(_login)(person_in_32.user)
    phone = await sync_to_async(_login)(person_in_32.user)
    on_laptop, on_phone = await _open(laptop), await _open(phone)
    phone_entry = await sync_to_async(LoginSession.objects.get)(session_key=_key(phone))

    response = await sync_to_async(laptop.post)(f"/meine-daten/sitzungen/{phone_entry.pk}/beenden/")
    assert response.status_code == 302

    assert await _closed_with(on_phone) == 4003
    assert await _alive(on_laptop)
    assert not await sync_to_async(Session.objects.filter(session_key=_key(phone)).exists)()
    # The phone is logged out: its next page asks for the login again.
    page = await sync_to_async(phone.get)("/meine-daten/")
    assert page.status_code == 302 and page["Location"].startswith("/anmelden/")
    await on_laptop.disconnect()


async def test_ending_all_other_sessions_keeps_the_one_in_use(person_in_32):
    laptop = await sync_to_async(_login)(person_in_32.user)
    phone = await sync_to_async(_login)(person_in_32.user)
    tablet = await sync_to_async(_login)(person_in_32.user)
    sockets = [await _open(client) for client in (laptop, phone, tablet)]

    response = await sync_to_async(laptop.post)("/meine-daten/sitzungen/andere-beenden/")
    assert response.status_code == 302

    assert await _closed_with(sockets[1]) == 4003
    assert await _closed_with(sockets[2]) == 4003
    assert await _alive(sockets[0])
    await sockets[0].disconnect()


async def test_nobody_ends_another_persons_session(person_in_32, colleague_in_32):
    mine = await sync_to_async(_login)(person_in_32.user)
    theirs = await sync_to_async(_login)(colleague_in_32.user)
    their_socket = await _open(theirs)
    their_entry = await sync_to_async(LoginSession.objects.get)(session_key=_key(theirs))

    response = await sync_to_async(mine.post)(f"/meine-daten/sitzungen/{their_entry.pk}/beenden/")
    assert response.status_code == 404
    assert await _alive(their_socket)
    assert await sync_to_async(Session.objects.filter(session_key=_key(theirs)).exists)()
    await their_socket.disconnect()


@pytest.fixture
def central_hr(amt_32):
    person = PersonFactory(unit=amt_32, first_name="Jana", last_name="Schäfer")
    person.user.groups.add(services.central_hr_group_ensure())
    return person


async def test_offboarding_closes_every_session_of_the_leaver(person_in_32, central_hr):
    sockets = [await _open(await sync_to_async(_login)(person_in_32.user)) for _ in range(2)]
    await sync_to_async(services.person_deactivate)(person=person_in_32, actor=central_hr.user)
    for socket in sockets:
        assert await _closed_with(socket) == 4003
