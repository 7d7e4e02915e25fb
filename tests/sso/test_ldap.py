"""LDAP / AD sign-in against a real slapd (StartTLS), mapped to the directory Person."""

import ldap
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from directory.models import Person
from directory.signals import login_sessions_ended
from intranet.models import AuditEntry
from intranet.sso import ldap_auth
from intranet.sso.checks import sso_settings_complete
from intranet.sso.models import ExternalIdentity
from tests.support import ldap_server
from tests.support.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.ldap]

PASSWORD = ldap_server.PASSWORD


def _login(client, username, password=PASSWORD):
    return client.post("/anmelden/", {"username": username, "password": password})


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    ("flavour", "username", "ldaps"),
    [
        ("openldap", "lena.mueller", False),
        ("ad", "LENA.MUELLER", False),
        ("ad", "lena.mueller", True),
    ],
    ids=["openldap-starttls", "ad-starttls", "ad-ldaps"],
)
def test_city_account_signs_in_as_the_directory_person(
    client, amt_32, ldap_mode, flavour, username, ldaps
):
    ldap_mode(flavour, ldaps=ldaps)
    person = PersonFactory(unit=amt_32, personnel_number="T100001")
    people_before = Person.objects.count()

    response = _login(client, username)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _logged_in_user_id(client) == str(person.user.pk)
    assert Person.objects.count() == people_before
    assert ExternalIdentity.objects.get(user=person.user).subject == "T100001"


def test_wrong_password_gets_the_one_generic_message(client, amt_32, ldap_mode):
    ldap_mode()
    PersonFactory(unit=amt_32, personnel_number="T100001")

    response = _login(client, "lena.mueller", "falsch")

    assert response.status_code == 200
    assert _logged_in_user_id(client) is None
    text = response.content.decode()
    assert "Personenverzeichnis" not in text and "gesperrt" not in text


def test_city_account_without_a_person_is_refused_and_nothing_is_created(client, amt_32, ldap_mode):
    ldap_mode()
    people, users = Person.objects.count(), get_user_model().objects.count()

    response = _login(client, "fremd")

    assert response.status_code == 200
    assert _logged_in_user_id(client) is None
    assert "keinen Eintrag im Personenverzeichnis" in response.content.decode()
    assert (Person.objects.count(), get_user_model().objects.count()) == (people, users)


def test_account_without_personnel_number_is_refused(client, ldap_mode):
    ldap_mode()
    response = _login(client, "ohne.nummer")
    assert _logged_in_user_id(client) is None
    assert "keine Personalnummer" in response.content.decode()


@pytest.mark.parametrize(
    ("flavour", "username", "number"),
    [("openldap", "gesperrt", "T100002"), ("ad", "ad.gesperrt", "T100003")],
)
def test_disabled_directory_account_is_refused(
    client, amt_32, ldap_mode, flavour, username, number
):
    # slapd itself lets these binds through (no ppolicy overlay on the database, and it
    # knows nothing of userAccountControl): the portal's own check refuses them.
    ldap_mode(flavour)
    PersonFactory(unit=amt_32, personnel_number=number)

    response = _login(client, username)

    assert _logged_in_user_id(client) is None
    assert "gesperrt" in response.content.decode()


def test_inactive_person_is_refused(client, amt_32, ldap_mode):
    ldap_mode()
    person = PersonFactory(unit=amt_32, personnel_number="T100004")
    Person.objects.filter(pk=person.pk).update(is_active=False)

    response = _login(client, "ausgeschieden")

    assert _logged_in_user_id(client) is None
    assert "nicht mehr aktiv" in response.content.decode()


def test_person_without_portal_user_gets_one_linked(client, amt_32, ldap_mode):
    ldap_mode()
    person = PersonFactory(unit=amt_32, personnel_number="T100001", user=None)

    _login(client, "lena.mueller")

    person.refresh_from_db()
    assert person.user is not None and person.user.username == "t100001"
    assert not person.user.has_usable_password()
    assert _logged_in_user_id(client) == str(person.user.pk)


def test_local_password_counts_only_for_break_glass_accounts(client, amt_32, ldap_mode, settings):
    ldap_mode()
    employee = PersonFactory(unit=amt_32)  # a local password, as the demo data has
    UserFactory(username="notfall", is_staff=True)
    settings.PORTAL_BREAK_GLASS_ACCOUNTS = ["notfall"]

    assert _login(client, employee.user.username, TEST_PASSWORD).status_code == 200
    assert _logged_in_user_id(client) is None

    assert _login(client, "notfall", TEST_PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="auth.break_glass.login").count() == 1

    # taken off the list, the account's open session no longer counts
    settings.PORTAL_BREAK_GLASS_ACCOUNTS = []
    assert client.get("/").status_code == 302


def test_passwords_go_to_the_directory_only_encrypted(ldap_mode, city_slapd, settings):
    ldap_mode(AUTH_LDAP_START_TLS=False)
    assert [error.id for error in sso_settings_complete(None)] == ["sso.E004"]
    settings.AUTH_LDAP_SERVER_URI = "ldaps://ad.stadt.example"
    assert sso_settings_complete(None) == []


def test_the_service_account_needs_paging_to_see_every_account(ldap_mode, settings):
    ldap_mode(PORTAL_LDAP_PAGE_SIZE=2)
    connection = ldap_auth.directory_connection()
    # AD's referrals are never chased (django-auth-ldap#305), on this connection and the login's
    assert connection.get_option(ldap.OPT_REFERRALS) == 0
    assert settings.AUTH_LDAP_CONNECTION_OPTIONS[ldap.OPT_REFERRALS] == 0
    with pytest.raises(ldap.SIZELIMIT_EXCEEDED):
        connection.search_s(ldap_server.PEOPLE, ldap.SCOPE_SUBTREE, "(employeeNumber=*)")
    connection.unbind_s()

    accounts = ldap_auth.directory_accounts()

    assert len(accounts) == 10 > ldap_server.SIZE_LIMIT
    assert accounts["T100002"] is True and accounts["T100001"] is False


def test_lifecycle_job_ends_sessions_of_closed_accounts_and_reports_them(
    client, amt_32, ldap_mode, city_slapd, settings, mailoutbox, django_capture_on_commit_callbacks
):
    ldap_mode(PORTAL_LDAP_PAGE_SIZE=2)
    settings.PORTAL_ACCOUNTS_REPORT_EMAIL = ["personal@stadt.example"]
    active = PersonFactory(unit=amt_32, personnel_number="T200001", last_name="Aktiv")
    locked = PersonFactory(unit=amt_32, personnel_number="T200002", last_name="Gesperrt")
    gone = PersonFactory(unit=amt_32, personnel_number="T200003", last_name="Weg")
    clients = {}
    for index, person in enumerate((active, locked, gone), start=1):
        browser = client.__class__()
        assert _login(browser, f"kollegin{index}").status_code == 302
        clients[person.pk] = browser
    city_slapd.modify(
        f"dn: uid=kollegin2,{ldap_server.PEOPLE}\nchangetype: modify\n"
        "add: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n"
    )
    city_slapd.ldapdelete(f"uid=kollegin3,{ldap_server.PEOPLE}")
    ended = []

    def sessions_ended(sender, user_id, session_keys, all_sessions, **kwargs):
        ended.append((user_id, len(session_keys), all_sessions))

    login_sessions_ended.connect(sessions_ended)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("sso_accounts_check", stdout=open("/dev/null", "w"))
    finally:
        login_sessions_ended.disconnect(sessions_ended)
        # the directory outlives the test's database
        city_slapd.modify(
            f"dn: uid=kollegin2,{ldap_server.PEOPLE}\nchangetype: modify\n"
            "delete: pwdAccountLockedTime\n"
        )
        city_slapd.add(uid="kollegin3", number="T200003")

    # the offboarding path: the chat closes every socket of these people with 4003 on this
    # signal (tests/chat/test_session_end.py)
    assert sorted(ended) == sorted([(locked.user.pk, 1, True), (gone.user.pk, 1, True)])
    assert clients[active.pk].get("/").status_code == 200
    assert clients[locked.pk].get("/").status_code == 302
    assert clients[gone.pk].get("/").status_code == 302
    [mail] = mailoutbox
    assert "Gesperrt" in mail.body and "Weg" in mail.body and "Aktiv" not in mail.body
    # HR's data stays: no person is deactivated or deleted by the job
    assert Person.objects.filter(pk__in=[locked.pk, gone.pk], is_active=True).count() == 2
    entry = AuditEntry.objects.get(action="sso.accounts_check")
    assert entry.changes == {"disabled": 1, "gone": 1}
