"""From a city account to the portal user of an existing directory Person.

A login never creates a Person: the directory belongs to HR. It may create the portal
user of a Person that has none yet (unusable password, the same username the HR import
gives), and it links an OpenID Connect account to that user by `iss` + `sub`.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from directory.models import Person
from intranet.sso.models import ExternalIdentity

REFUSAL_REQUEST_ATTRIBUTE = "portal_login_refusal"
# ExternalIdentity.issuer of an LDAP/AD account; its subject is the personnel number.
LDAP_ISSUER = "ldap"

# Why a city account gets no portal session; the texts are shown to the person.
REFUSALS = {
    "no_claim": _(
        "Ihr Stadt-Konto übermittelt keine Personalnummer. Bitte wenden Sie sich an den "
        "IT-Service: Das Konto ist beim Identitätsanbieter unvollständig eingerichtet."
    ),
    "no_person": _(
        "Zu Ihrem Stadt-Konto gibt es keinen Eintrag im Personenverzeichnis. Das Portal legt "
        "keine Personen an: Bitte wenden Sie sich an die Personalverwaltung "
        "(Haupt- und Personalamt)."
    ),
    "inactive": _(
        "Ihr Eintrag im Personenverzeichnis ist nicht mehr aktiv. Bitte wenden Sie sich an "
        "die Personalverwaltung (Haupt- und Personalamt), falls das nicht stimmt."
    ),
    "disabled": _(
        "Ihr Stadt-Konto ist im zentralen Verzeichnis gesperrt. Bitte wenden Sie sich an den "
        "IT-Service."
    ),
    "conflict": _(
        "Ihr Eintrag im Personenverzeichnis ist bereits mit einem anderen Stadt-Konto "
        "verknüpft. Bitte wenden Sie sich an den IT-Service."
    ),
    "failed": _(
        "Die Anmeldung mit dem Stadt-Konto ist fehlgeschlagen. Bitte versuchen Sie es erneut."
    ),
}


class LoginRefused(Exception):
    def __init__(self, code: str):
        assert code in REFUSALS, code
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(REFUSALS[self.code])


def refusal_note(request, code: str) -> None:
    """Remember on the request why the login was refused, for the page that answers it."""
    if request is not None:
        setattr(request, REFUSAL_REQUEST_ATTRIBUTE, code)


def refusal_of(request) -> str | None:
    return getattr(request, REFUSAL_REQUEST_ATTRIBUTE, None)


def _person_user(person: Person):
    """The person's portal user; one without a user gets one (never a new Person)."""
    if person.user_id is not None:
        return person.user
    User = get_user_model()
    username = person.personnel_number.lower()
    if User.objects.filter(username=username).exists():
        # Someone else's account (a break-glass one, say) has that name: no handover.
        raise LoginRefused("conflict")
    user = User(username=username, first_name=person.first_name, last_name=person.last_name)
    user.set_unusable_password()
    user.save()
    # Only if still unlinked: a parallel login or HR may have linked one meanwhile.
    if not Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user):
        user.delete()
        person.refresh_from_db()
        return person.user
    person.user = user
    return user


@transaction.atomic
def user_for_personnel_number(personnel_number: str | None):
    """The active portal user of the directory Person with this personnel number."""
    number = (personnel_number or "").strip()
    if not number:
        raise LoginRefused("no_claim")
    person = Person.objects.select_for_update().filter(personnel_number=number).first()
    if person is None:
        raise LoginRefused("no_person")
    if not person.is_active or (person.user_id is not None and not person.user.is_active):
        raise LoginRefused("inactive")
    return _person_user(person)


@transaction.atomic
def user_for_identity(*, issuer: str, subject: str, personnel_number: str | None):
    """The user linked to `iss` + `sub`; on the first login, link it through the personnel
    number. The e-mail address plays no part."""
    identity = (
        ExternalIdentity.objects.select_related("user__person")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        person = getattr(user, "person", None)
        if person is None:
            raise LoginRefused("no_person")
        if not person.is_active or not user.is_active:
            raise LoginRefused("inactive")
        return user
    user = user_for_personnel_number(personnel_number)
    if ExternalIdentity.objects.filter(user=user, issuer=issuer).exists():
        raise LoginRefused("conflict")
    try:
        with transaction.atomic():
            ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    except IntegrityError:  # a parallel first login of the same account
        raise LoginRefused("conflict") from None
    return user


def ldap_identity_remember(user, personnel_number: str) -> None:
    """An LDAP login makes the account known to the lifecycle job (sso_accounts_check)."""
    ExternalIdentity.objects.update_or_create(
        user=user, issuer=LDAP_ISSUER, defaults={"subject": personnel_number}
    )
