"""S5 through the portal's one rate limiter (intranet/ratelimit.py): password logins per
login name and per address, with a lock-out its owner can lift; the directory's paging
budget shared by search, unit pages and the org chart; chat rooms and invitations."""

import pathlib
import re
import time

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from chat.models import Room
from intranet.models import AuditEntry
from tests.support.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _login(client, username, password, address="192.0.2.10"):
    return client.post(
        "/anmelden/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Login ------------------------------------------------------------------------------


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused_too(
    client, person_in_32, settings
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    name = person_in_32.user.username
    codes = [_login(client, name, f"falsch-{n}").status_code for n in range(30)]
    assert codes == [200] * 4 + [429] * 26  # the fifth failure locks

    right = _login(client, name, TEST_PASSWORD)
    assert right.status_code == 429
    assert not _logged_in(client)
    html = right.content.decode()
    assert "Zu viele Anfragen" in html and "gesperrt, auch für das richtige Passwort" in html
    assert int(right["Retry-After"]) > 0
    # Another spelling of the name is the same account.
    assert _login(client, f"  {name.upper()} ", TEST_PASSWORD).status_code == 429

    # The lock-out is a security event in the audit log: the account, no address, no count.
    entry = AuditEntry.objects.get(action="security.login_lockout")
    assert entry.target_id == str(person_in_32.user.pk)
    assert entry.actor is None
    assert "192.0.2.10" not in str(entry.changes) + entry.summary
    assert AuditEntry.objects.filter(action="security.login_lockout").count() == 1


def test_the_owner_lifts_the_lock_out_with_the_mailed_link(client, person_in_32, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    name = person_in_32.user.username
    for n in range(3):
        _login(client, name, f"falsch-{n}")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person_in_32.email]
    link = re.search(r"http://testserver(/anmelden/entsperren/[^/\s]+/)", message.body).group(1)

    # Opening the link only asks (a mail scanner following it lifts nothing).
    assert client.get(link).status_code == 200
    assert _login(client, name, TEST_PASSWORD).status_code == 429

    lifted = client.post(link)
    assert lifted.status_code == 302 and lifted["Location"] == "/anmelden/"
    assert _login(client, name, TEST_PASSWORD).status_code == 302
    assert _logged_in(client)
    assert AuditEntry.objects.filter(
        action="security.login_unlock", target_id=str(person_in_32.user.pk)
    ).exists()
    # Used once: the same link lifts no later lock-out.
    client.logout()
    assert client.post(link).status_code == 400


def test_a_forged_or_foreign_link_lifts_nothing(client, person_in_32, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for n in range(2):
        _login(client, person_in_32.user.username, f"falsch-{n}")
    assert client.post("/anmelden/entsperren/eyJuIjoibGVuYSJ9:abc:def/").status_code == 400
    assert _login(client, person_in_32.user.username, TEST_PASSWORD).status_code == 429


def test_the_lock_out_ends_by_itself(client, person_in_32, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600
    with time_machine.travel(time.time(), tick=False) as traveller:
        for n in range(2):
            _login(client, person_in_32.user.username, f"falsch-{n}")
        assert _login(client, person_in_32.user.username, TEST_PASSWORD).status_code == 429
        traveller.shift(601)
        assert _login(client, person_in_32.user.username, TEST_PASSWORD).status_code == 302


def test_it_operations_lifts_a_lock_out_by_command(client, person_in_32, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for n in range(2):
        _login(client, person_in_32.user.username, f"falsch-{n}")
    call_command("login_unlock", person_in_32.user.username)
    assert _login(client, person_in_32.user.username, TEST_PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="security.login_unlock")
    assert entry.changes == {"by": "operations"}


def test_an_unknown_name_is_locked_but_never_written_down(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    typed = "Geheim-Passwort-im-Namensfeld"
    assert [_login(client, typed, "x").status_code for _ in range(3)] == [200, 429, 429]
    assert not AuditEntry.objects.exists()
    assert mail.outbox == []


def test_failures_per_address_are_limited_across_names(client, person_in_32, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        assert _login(client, f"name{n}", "falsch").status_code == 200
    refused = _login(client, person_in_32.user.username, TEST_PASSWORD)
    assert refused.status_code == 429
    assert "Von Ihrem Gerät oder Netz aus" in refused.content.decode()
    assert not _logged_in(client)
    # Another address is not affected, and the account itself was never locked.
    assert (
        _login(client, person_in_32.user.username, TEST_PASSWORD, "192.0.2.99").status_code == 302
    )


def test_a_correct_login_starts_the_count_afresh(client, person_in_32, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    name = person_in_32.user.username
    for _round in range(3):
        for n in range(2):
            assert _login(client, name, f"falsch-{n}").status_code == 200
        assert _login(client, name, TEST_PASSWORD).status_code == 302
        client.logout()


# --- Directory paging ------------------------------------------------------------------------


def test_unit_pages_and_org_chart_count_against_the_search_budget(
    client_32, amt_32, person_in_32, settings
):
    settings.DIRECTORY_SEARCH_PER_MINUTE = 4
    top_of_minute = (int(time.time()) // 60 + 1) * 60
    with time_machine.travel(top_of_minute, tick=True):
        assert client_32.get("/personen/organisation/").status_code == 200
        assert client_32.get(f"/personen/einheit/{amt_32.pk}/").status_code == 200
        assert client_32.get("/personen/", {"q": "Müller"}).status_code == 200
        assert client_32.get(f"/personen/einheit/{amt_32.pk}/", {"seite": 2}).status_code == 200
        unit = client_32.get(f"/personen/einheit/{amt_32.pk}/")
        assert unit.status_code == 429
        html = unit.content.decode()
        assert "Personenverzeichnisses" in html and "Minute" in html
        assert 'data-testid="rate-limited"' in html
        assert 0 < int(unit["Retry-After"]) <= 60
        assert client_32.get("/personen/organisation/").status_code == 429
        assert client_32.get("/personen/", {"q": "Müller"}).status_code == 429
        assert client_32.get("/personen/api/suche/", {"q": "Müller"}).status_code == 429


def test_the_hourly_paging_budget_stops_a_slow_scrape(client_32, amt_32, settings):
    settings.DIRECTORY_SEARCH_PER_MINUTE = 1000
    settings.DIRECTORY_PAGES_PER_HOUR = 5
    top_of_hour = (int(time.time()) // 3600 + 1) * 3600
    with time_machine.travel(top_of_hour, tick=False) as traveller:
        for _ in range(5):
            assert client_32.get(f"/personen/einheit/{amt_32.pk}/").status_code == 200
            traveller.shift(61)  # a new minute each time
        refused = client_32.get(f"/personen/einheit/{amt_32.pk}/")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 60


# --- Chat rooms and invitations --------------------------------------------------------------


def test_room_creation_is_limited_per_day(client_32, settings):
    settings.CHAT_ROOMS_PER_DAY = 2
    for n in range(2):
        assert client_32.post("/chat/raum/neu/", {"name": f"Projekt {n}"}).status_code == 302
    refused = client_32.post("/chat/raum/neu/", {"name": "Projekt 3"})
    assert refused.status_code == 429
    assert "sehr viele Räume angelegt" in refused.content.decode()
    assert not Room.objects.filter(name="Projekt 3").exists()


def test_invitations_are_limited_per_hour_and_a_refused_one_grants_nothing(
    client_32, person_in_32, amt_32, settings
):
    from chat import permissions, services

    settings.CHAT_INVITES_PER_HOUR = 3
    room = services.cross_office_room_create(creator=person_in_32.user, name="Projekt E-Akte")
    guests = [PersonFactory(unit=amt_32).user for _ in range(4)]
    first = {"usernames": ", ".join(user.username for user in guests[:2])}
    assert client_32.post(f"/chat/raum/{room.pk}/einladen/", first).status_code == 302
    second = {"usernames": ", ".join(user.username for user in guests[2:])}
    refused = client_32.post(f"/chat/raum/{room.pk}/einladen/", second)
    assert refused.status_code == 429
    assert "Einladungen" in refused.content.decode()
    for guest in guests[2:]:
        assert "view" not in permissions.room_actions_for_user(guest, room.pk)


# --- One limiter -------------------------------------------------------------------------


def test_the_portal_counts_limits_in_one_module():
    """No app keeps a counter of its own: every cache.incr is in intranet/ratelimit.py."""
    counting = [
        str(path.relative_to(ROOT))
        for app in ("chat", "directory", "intranet", "wiki")
        for path in (ROOT / app).rglob("*.py")
        if "cache.incr(" in path.read_text()
    ]
    assert counting == ["intranet/ratelimit.py"]
