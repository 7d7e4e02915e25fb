"""Personal data of the sign-in, for the privacy register (intranet.privacy_register)."""

from django.utils.translation import gettext_lazy as _

from intranet.privacy_register import (
    LEGAL_BASIS_OPERATION,
    Audience,
    EndOfRetention,
    PersonalField,
)

PERSONAL_DATA = [
    PersonalField(
        model="sso.ExternalIdentity",
        fields=("user", "issuer", "subject"),
        masked=("subject",),
        category=_("Anmeldung mit dem Stadt-Konto"),
        purpose=_(
            "Das Stadt-Konto beim Identitätsanbieter (Aussteller und Kennung) dem "
            "Benutzerkonto zuordnen und eine Abmeldung des Anbieters auf die Sitzungen der "
            "Person anwenden. Ohne Zeitstempel: kein Anmeldeverlauf."
        ),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("solange das Benutzerkonto besteht"),
        at_end=EndOfRetention.DELETE,
    ),
]
