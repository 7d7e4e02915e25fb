"""The privacy register (P5): every stored personal field, declared once, collected centrally.

Each app declares its personal data in `<app>/privacy.py` as `PERSONAL_DATA`, a list of
`PersonalField` entries. `entries()` collects them from every installed app; the
transparency page, "Meine Daten", retention and the register test are built from it.
"""

import importlib
from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.utils.translation import gettext_lazy as _


class Audience(StrEnum):
    """Who can see a field. Labels are what the transparency page shows."""

    SELF = "self"
    COLLEAGUES = "colleagues"  # every employee
    OWN_AMT = "own_amt"
    HR = "hr"
    REDAKTION = "redaktion"
    ROOM_MEMBERS = "room_members"
    ADMINS = "admins"  # IT operations, for running the system, never for evaluation
    NOBODY = "nobody"

    @property
    def label(self) -> str:
        return str(AUDIENCE_LABELS[self])


AUDIENCE_LABELS = {
    Audience.SELF: _("die Person selbst"),
    Audience.COLLEAGUES: _("alle Mitarbeitenden"),
    Audience.OWN_AMT: _("das eigene Amt"),
    Audience.HR: _("Personalverwaltung"),
    Audience.REDAKTION: _("Redaktion"),
    Audience.ROOM_MEMBERS: _("Mitglieder des Chatraums"),
    Audience.ADMINS: _("IT-Betrieb (nur zum Betrieb, nie zur Auswertung)"),
    Audience.NOBODY: _("niemand"),
}


class EndOfRetention(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"

    @property
    def label(self) -> str:
        return str({self.DELETE: _("löschen"), self.ANONYMISE: _("anonymisieren")}[self])


@dataclass(frozen=True)
class PersonalField:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    category: str  # German, e.g. "Dienstliche Stammdaten"
    purpose: str  # German
    visible_to: tuple[Audience, ...]
    legal_basis: str
    retention: str  # German, e.g. "bis 6 Monate nach dem Ausscheiden"
    at_end: EndOfRetention = EndOfRetention.DELETE
    retention_days: int | None = None  # None: as long as the purpose lasts (see `retention`)

    @property
    def model_class(self):
        return apps.get_model(self.model)


# Legal bases used across the register, so the wording stays consistent.
LEGAL_BASIS_EMPLOYMENT = _(
    "§ 15 LDSG BW i. V. m. § 83 LBG BW und Art. 6 Abs. 1 lit. c, Art. 88 DSGVO "
    "(Durchführung des Beschäftigungsverhältnisses)"
)
LEGAL_BASIS_CONSENT = _(
    "Art. 6 Abs. 1 lit. a, Art. 7 DSGVO (freiwillige Einwilligung, jederzeit widerrufbar)"
)
LEGAL_BASIS_OPERATION = _(
    "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 4 LDSG BW (Betrieb und Sicherheit des Portals)"
)
LEGAL_BASIS_AGREEMENT = _("Art. 88 DSGVO i. V. m. der Dienstvereinbarung zum Mitarbeiterportal")


def entries() -> list[PersonalField]:
    """Every register entry from every installed app's `privacy.py`."""
    collected: list[PersonalField] = []
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.privacy")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.privacy":
                raise
            continue
        collected.extend(getattr(module, "PERSONAL_DATA", []))
    return collected
