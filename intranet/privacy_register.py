"""The privacy register (P5): every stored personal field, declared once, collected centrally.

Each app declares its personal data in `<app>/privacy.py` as `PERSONAL_DATA`, a list of
`PersonalField` entries, and may list in `PERSONAL_MODELS` the models whose every row
describes one person (all their fields then count as personal). `entries()` collects them
from every installed app; the transparency page, "Meine Daten", retention and the register
test are built from it. docs/privacy.md explains how to add a field.
"""

import importlib
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The models that are people: every field on them is personal, and every relation to them
# makes a field personal.
PERSON_MODELS = (settings.AUTH_USER_MODEL, "directory.Person")
# Where the entries for Django's, Wagtail's and guardian's models live.
FRAMEWORK_REGISTER_MODULE = "intranet/privacy_framework.py"


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
    # The date field the period runs from. With `retention_days` set, `purge_expired`
    # deletes (or anonymises, see `at_end`) rows older than the period itself; without it,
    # the app's `retention.py` must purge the entry.
    retention_field: str = ""
    # Fields "Meine Daten" lists but whose value it does not show: secrets such as a
    # password hash, or labels that may name other people.
    masked: tuple[str, ...] = ()
    # What offboarding (directory.services.person_deactivate) does with this data when the
    # person leaves, in German; empty means: nothing at once, the retention period applies.
    on_leaving: str = ""
    # The data's name on the transparency page and in "Meine Daten"; defaults to the
    # model's plural verbose name (some third-party models have no German one).
    title: str = ""

    @property
    def display_title(self) -> str:
        return str(self.title or self.model_class._meta.verbose_name_plural)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def model_label(self) -> str:
        return self.model_class._meta.label

    @property
    def person_fields(self) -> tuple[str, ...]:
        """The entry's fields that point at a user or a person: they say whose row it is."""
        person_labels = {apps.get_model(label)._meta.label for label in PERSON_MODELS}
        model = self.model_class
        return tuple(
            name
            for name in self.fields
            if (related := model._meta.get_field(name).related_model) is not None
            and related._meta.label in person_labels
        )


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


def _privacy_modules():
    for app_config in apps.get_app_configs():
        try:
            yield importlib.import_module(f"{app_config.name}.privacy")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.privacy":
                raise


def entries() -> list[PersonalField]:
    """Every register entry from every installed app's `privacy.py`."""
    collected: list[PersonalField] = []
    for module in _privacy_modules():
        collected.extend(getattr(module, "PERSONAL_DATA", []))
    return collected


def personal_models() -> set[str]:
    """Labels of the models whose every field is personal: people, and `PERSONAL_MODELS`."""
    labels = {apps.get_model(label)._meta.label for label in PERSON_MODELS}
    for module in _privacy_modules():
        labels |= {
            apps.get_model(label)._meta.label for label in getattr(module, "PERSONAL_MODELS", ())
        }
    return labels


def offboarding_plan() -> list[tuple[PersonalField, str]]:
    """What happens to each kind of personal data when a person leaves (P8)."""
    return [(entry, str(entry.on_leaving)) for entry in entries() if entry.on_leaving]


def entries_by_category() -> dict[str, list[PersonalField]]:
    grouped: dict[str, list[PersonalField]] = defaultdict(list)
    for entry in entries():
        grouped[str(entry.category)].append(entry)
    return dict(grouped)


def _stored_fields(model: type[models.Model]):
    """Fields stored for this model and declared on it (inherited ones belong to the parent)."""
    for field in model._meta.get_fields():
        stored = field.concrete or (field.many_to_many and not field.auto_created)
        if stored and field.model is model:
            yield field


def is_personal_field(field, *, personal: set[str]) -> bool:
    person_labels = {apps.get_model(label)._meta.label for label in PERSON_MODELS}
    related = field.related_model
    if related is not None and related._meta.label in person_labels:
        return True
    # A technical row number is not personal data by itself; everything else on a
    # person's own row is.
    return field.model._meta.label in personal and not isinstance(field, models.AutoField)


def register_file_for(model: type[models.Model]) -> str:
    """Where a developer declares this model's personal fields."""
    app_config = model._meta.app_config
    if Path(app_config.path).resolve().parent == Path(settings.BASE_DIR).resolve():
        return f"{app_config.name.replace('.', '/')}/privacy.py"
    return FRAMEWORK_REGISTER_MODULE


def unregistered_fields() -> list[tuple[type[models.Model], str]]:
    """Personal fields of installed models that no register entry declares."""
    registered = {(entry.model_label, name) for entry in entries() for name in entry.fields}
    personal = personal_models()
    missing = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in _stored_fields(model):
            if (model._meta.label, field.name) in registered:
                continue
            if is_personal_field(field, personal=personal):
                missing.append((model, field.name))
    return missing


def stale_entries() -> list[str]:
    """Register entries naming a model or field that does not exist (or is inherited)."""
    problems = []
    for entry in entries():
        try:
            model = entry.model_class
        except LookupError:
            problems.append(f"{entry.model}: Modell gibt es nicht")
            continue
        stored = {field.name for field in _stored_fields(model)}
        problems.extend(
            f"{entry.model}.{name}: Feld gibt es nicht (oder es gehört zum Elternmodell)"
            for name in entry.fields
            if name not in stored
        )
        problems.extend(
            f"{entry.model}.{name}: maskiertes Feld fehlt in fields"
            for name in entry.masked
            if name not in entry.fields
        )
        if entry.retention_field and entry.retention_field not in stored:
            problems.append(f"{entry.model}.{entry.retention_field}: retention_field fehlt")
    return problems
