"""Personal data of the staff directory, for the privacy register (intranet.privacy_register)."""

from django.utils.translation import gettext_lazy as _

from intranet.privacy_register import (
    LEGAL_BASIS_EMPLOYMENT,
    Audience,
    EndOfRetention,
    PersonalField,
)

PERSONAL_DATA = [
    PersonalField(
        model="directory.Person",
        fields=(
            "first_name",
            "last_name",
            "unit",
            "further_units",
            "function",
            "phone",
            "email",
            "room",
        ),
        category=_("Dienstliche Stammdaten"),
        purpose=_(
            "Kolleginnen und Kollegen finden und dienstlich erreichen (Personenverzeichnis)."
        ),
        visible_to=(Audience.COLLEAGUES, Audience.HR),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("bis zum Ausscheiden; das Profil wird dann sofort ausgeblendet"),
        at_end=EndOfRetention.DELETE,
        on_leaving=_("Das Profil wird sofort aus dem Personenverzeichnis und der Suche entfernt."),
    ),
    PersonalField(
        model="directory.Person",
        fields=("personnel_number", "user", "uuid", "is_active"),
        category=_("Verwaltungsdaten"),
        purpose=_("Abgleich mit dem Personalverwaltungssystem und Zuordnung zum Benutzerkonto."),
        visible_to=(Audience.SELF, Audience.HR),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("bis zum Ausscheiden"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="directory.OfficeRole",
        fields=("person", "amt", "role"),
        category=_("Rollen und Berechtigungen"),
        purpose=_(
            "Rechte im eigenen Amt vergeben (Digital Mover, Redaktion, Personalsachbearbeitung)."
        ),
        visible_to=(Audience.COLLEAGUES, Audience.HR),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("solange die Rolle besteht"),
        at_end=EndOfRetention.DELETE,
    ),
]
