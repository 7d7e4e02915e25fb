"""Personal data of the staff directory, for the privacy register (intranet.privacy_register)."""

from django.utils.translation import gettext_lazy as _

from directory.models import VOLUNTARY_FIELDS_AND_VISIBILITY
from intranet.privacy_register import (
    LEGAL_BASIS_CONSENT,
    LEGAL_BASIS_EMPLOYMENT,
    LEGAL_BASIS_OPERATION,
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
            "responsibilities",
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
        fields=("personnel_number", "user", "uuid", "is_active", "entry_date", "exit_date"),
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
    PersonalField(
        model="directory.Person",
        fields=VOLUNTARY_FIELDS_AND_VISIBILITY,
        category=_("Freiwillige Profilangaben"),
        purpose=_(
            "Sich Kolleginnen und Kollegen vorstellen. Jede Angabe ist freiwillig; die Person "
            "wählt für jede, wer sie sieht: alle Mitarbeitenden, das eigene Amt oder nur sie "
            "selbst (Voreinstellung)."
        ),
        visible_to=(Audience.SELF, Audience.OWN_AMT, Audience.COLLEAGUES),
        legal_basis=LEGAL_BASIS_CONSENT,
        retention=_("bis die Person die Angabe löscht oder ausscheidet"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="directory.Person",
        fields=("deputy", "absent_until"),
        category=_("Abwesenheit und Vertretung"),
        purpose=_("Zeigen, bis wann jemand abwesend ist und wer vertritt."),
        visible_to=(Audience.COLLEAGUES, Audience.HR),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("bis zum Ablauf der Abwesenheit bzw. bis zur Änderung"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="directory.Person",
        fields=("search_document", "search_names", "search_phonetic", "search_vector"),
        category=_("Suchindex"),
        purpose=_(
            "Die Personensuche: aus den dienstlichen Stammdaten und für alle freigegebenen "
            "Themen abgeleitete Suchwörter; nie angezeigt."
        ),
        visible_to=(Audience.NOBODY,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("wie die Stammdaten; wird bei jeder Änderung neu berechnet"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="directory.OrgUnit",
        fields=("leader",),
        category=_("Dienstliche Stammdaten"),
        purpose=_("Die Leitung einer Organisationseinheit im Organigramm zeigen."),
        visible_to=(Audience.COLLEAGUES, Audience.HR),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("solange die Person die Einheit leitet"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="directory.LoginSession",
        fields=("user", "session_key"),
        masked=("session_key",),  # a live session key would let anyone take over the login
        category=_("Anmeldesitzungen"),
        purpose=_(
            "Beim Ausscheiden alle Sitzungen der Person beenden (P8). Ohne Zeitstempel: "
            "kein Anmeldeverlauf."
        ),
        visible_to=(Audience.NOBODY,),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("bis zur Abmeldung oder bis die Sitzung abgelaufen ist"),
        at_end=EndOfRetention.DELETE,
    ),
]
