"""The daily account check (sso_accounts_check): which city accounts that signed in to the
portal are disabled or gone at the provider or in the directory? Their sessions and
sockets end, and HR gets a report. Directory data stays as it is: offboarding is HR's."""

from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction

from directory.services import user_sessions_end
from intranet.services import audit_record
from intranet.sso import accounts, modes
from intranet.sso.models import ExternalIdentity

DISABLED = "disabled"
GONE = "gone"
STATE_LABELS = {DISABLED: "gesperrt", GONE: "nicht mehr vorhanden"}


@dataclass
class ClosedAccount:
    identity: ExternalIdentity
    state: str  # DISABLED or GONE
    sessions_ended: int = 0


def _known_identities():
    return ExternalIdentity.objects.select_related("user__person__unit").filter(
        user__is_active=True, user__person__is_active=True
    )


def _check_by_ldap(identities) -> list[ClosedAccount]:
    from intranet.sso.ldap_auth import directory_accounts

    found = directory_accounts()  # one paged search over the user base
    closed = []
    for identity in identities:
        number = identity.user.person.personnel_number
        if number not in found:
            closed.append(ClosedAccount(identity, GONE))
        elif found[number]:
            closed.append(ClosedAccount(identity, DISABLED))
    return closed


def keycloak_admin_base() -> str:
    """https://kc/realms/stadt -> https://kc/admin/realms/stadt (Keycloak's admin REST API)."""
    issuer = settings.OIDC_ISSUER
    root, separator, realm = issuer.rpartition("/realms/")
    if not separator:
        raise ImproperlyConfigured("OIDC_ISSUER ist keine Keycloak-Realm-Adresse (…/realms/…)")
    return f"{root}/admin/realms/{realm}"


def _check_by_keycloak(identities) -> list[ClosedAccount]:
    from intranet.sso.oidc import discovery

    verify = settings.OIDC_VERIFY_SSL
    timeout = settings.OIDC_TIMEOUT
    token = requests.post(
        discovery()["token_endpoint"],
        data={"grant_type": "client_credentials"},
        auth=(settings.OIDC_ADMIN_CLIENT_ID, settings.OIDC_ADMIN_CLIENT_SECRET),
        timeout=timeout,
        verify=verify,
    )
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    base = keycloak_admin_base()
    issuer = discovery()["issuer"]
    closed = []
    with requests.Session() as session:
        for identity in identities.filter(issuer=issuer):
            response = session.get(
                f"{base}/users/{identity.subject}", headers=headers, timeout=timeout, verify=verify
            )
            if response.status_code == 404:
                closed.append(ClosedAccount(identity, GONE))
                continue
            response.raise_for_status()
            if not response.json().get("enabled", False):
                closed.append(ClosedAccount(identity, DISABLED))
    return closed


def closed_accounts() -> list[ClosedAccount]:
    """Asks the directory (LDAP/AD, also behind Keycloak when LDAP_SERVER_URI is set) or
    else Keycloak's admin API, whichever the mode has."""
    identities = _known_identities()
    if getattr(settings, "AUTH_LDAP_SERVER_URI", ""):
        if settings.PORTAL_AUTH_MODE == modes.LDAP:
            identities = identities.filter(issuer=accounts.LDAP_ISSUER)
        return _check_by_ldap(identities)
    if settings.PORTAL_AUTH_MODE == modes.OIDC and settings.OIDC_ADMIN_CLIENT_ID:
        return _check_by_keycloak(identities)
    raise ImproperlyConfigured(
        "sso_accounts_check braucht LDAP_SERVER_URI oder (im OIDC-Modus) "
        "OIDC_ADMIN_CLIENT_ID/OIDC_ADMIN_CLIENT_SECRET für Keycloaks Admin-API."
    )


def report_text(closed: list[ClosedAccount]) -> str:
    lines = [
        "Diese Stadt-Konten sind beim Identitätsanbieter oder im Verzeichnis gesperrt oder "
        "nicht mehr vorhanden. Ihre Sitzungen im Mitarbeiterportal wurden beendet.",
        "Bitte prüfen Sie, ob die Personen ausgeschieden sind (Personenverzeichnis).",
        "",
    ]
    for account in closed:
        person = account.identity.user.person
        lines.append(
            f"- {person.full_name} (Personalnummer {person.personnel_number}, "
            f"{person.unit}): {STATE_LABELS[account.state]}"
        )
    return "\n".join(lines)


def accounts_check() -> list[ClosedAccount]:
    closed = closed_accounts()
    with transaction.atomic():
        for account in closed:
            account.sessions_ended = user_sessions_end(user=account.identity.user)
        audit_record(
            actor=None,
            action="sso.accounts_check",
            summary=f"{len(closed)} Stadt-Konten gesperrt oder entfernt, Sitzungen beendet",
            changes={
                "disabled": sum(account.state == DISABLED for account in closed),
                "gone": sum(account.state == GONE for account in closed),
            },
        )
    if closed and settings.PORTAL_ACCOUNTS_REPORT_EMAIL:
        send_mail(
            subject="Mitarbeiterportal: gesperrte oder entfernte Stadt-Konten",
            message=report_text(closed),
            from_email=None,
            recipient_list=settings.PORTAL_ACCOUNTS_REPORT_EMAIL,
        )
    return closed
