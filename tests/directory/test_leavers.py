"""P8: offboarding a leaver hides the profile, ends login, sessions and open WebSockets."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session

from directory import services
from directory.models import LoginSession, OrgUnit
from intranet.asgi import application
from intranet.models import AuditEntry
from tests.support.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_deactivation_hides_ends_login_and_is_audited(
    client, person_in_32, colleague_in_32, central_hr
):
    assert client.login(username=person_in_32.user.username, password=TEST_PASSWORD)
    key = client.session.session_key
    assert LoginSession.objects.filter(user=person_in_32.user, session_key=key).exists()
    services.person_profile_update(person=colleague_in_32, deputy=person_in_32)
    services.org_unit_update(unit=person_in_32.unit, leader=person_in_32, actor=services.SYSTEM)

    services.person_deactivate(person=person_in_32, actor=central_hr.user)

    person_in_32.refresh_from_db()
    person_in_32.user.refresh_from_db()
    assert not person_in_32.is_active and not person_in_32.user.is_active
    assert not person_in_32.user.groups.exists()
    assert not Session.objects.filter(session_key=key).exists()
    assert not LoginSession.objects.filter(user=person_in_32.user).exists()
    colleague_in_32.refresh_from_db()
    assert colleague_in_32.deputy is None
    assert OrgUnit.objects.get(pk=person_in_32.unit_id).leader is None
    # The old session cookie no longer logs in.
    assert client.get("/personen/")["Location"].startswith("/anmelden/")
    # Colleagues no longer see the profile.
    client.force_login(colleague_in_32.user)
    assert client.get(f"/personen/{person_in_32.uuid}/").status_code == 404
    entry = AuditEntry.objects.get(action="directory.person.deactivate")
    assert entry.actor == central_hr.user and entry.changes == {"is_active": [True, False]}


@pytest.mark.django_db
def test_logout_removes_the_index_entry(client, person_in_32):
    client.login(username=person_in_32.user.username, password=TEST_PASSWORD)
    assert LoginSession.objects.filter(user=person_in_32.user).count() == 1
    client.post("/abmelden/")
    assert not LoginSession.objects.filter(user=person_in_32.user).exists()


@pytest.mark.django_db
def test_index_drops_expired_sessions_on_login(client, person_in_32):
    LoginSession.objects.create(user=person_in_32.user, session_key="x" * 32)
    client.login(username=person_in_32.user.username, password=TEST_PASSWORD)
    assert list(
        LoginSession.objects.filter(user=person_in_32.user).values_list("session_key", flat=True)
    ) == [client.session.session_key]


@pytest.mark.django_db(transaction=True)
async def test_deactivation_closes_open_websockets(client, person_in_32, central_hr):
    await sync_to_async(client.force_login)(person_in_32.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie.encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    await sync_to_async(services.person_deactivate)(person=person_in_32, actor=central_hr.user)
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4003, "reason": ""} or (
        output["type"] == "websocket.close" and output["code"] == 4003
    )
    await communicator.wait()


@pytest.mark.django_db
def test_the_sessions_ended_signal_is_sent_only_after_commit(client, person_in_32, central_hr):
    """The directory announces ended sessions through its own signal (it imports no chat),
    and only once the offboarding is committed."""
    from django.test import TestCase

    from directory.signals import login_sessions_ended

    client.force_login(person_in_32.user)
    key = client.session.session_key
    sent = []

    def record(sender, **kwargs):
        sent.append(kwargs)

    login_sessions_ended.connect(record, dispatch_uid="test.record")
    try:
        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            services.person_deactivate(person=person_in_32, actor=central_hr.user)
        assert sent == []
        for callback in callbacks:
            callback()
    finally:
        login_sessions_ended.disconnect(dispatch_uid="test.record")
    assert [{k: v for k, v in kwargs.items() if k != "signal"} for kwargs in sent] == [
        {"user_id": person_in_32.user.pk, "session_keys": [key], "all_sessions": True}
    ]


@pytest.mark.django_db
def test_the_chat_closes_the_ended_sessions_sockets_and_the_persons(monkeypatch):
    """chat/apps.py connects the receiver: one close per session group, and the person's own
    group too when all their sessions ended."""
    from chat.events import session_group_name, user_group_name
    from directory.models import LoginSession
    from directory.signals import login_sessions_ended

    sent = []

    class RecordingLayer:
        async def group_send(self, group, message):
            sent.append((group, message))

    monkeypatch.setattr("chat.events.get_channel_layer", RecordingLayer)
    login_sessions_ended.send(
        sender=LoginSession, user_id=7, session_keys=["a" * 32, "b" * 32], all_sessions=True
    )
    close = {"type": "session.close"}
    assert sent == [
        (session_group_name("a" * 32), close),
        (session_group_name("b" * 32), close),
        (user_group_name(7), close),
    ]
    assert "a" * 32 not in session_group_name("a" * 32)  # the key is not readable in Redis
