"""Reads of the site shell: the privacy register as a report, and "Meine Daten" for one user.

"Meine Daten" is generated from the register: for every entry, the rows whose person fields
(relations to the user or their directory entry) point at the user, with the entry's
fields. Only the entry's own fields are shown, relations to other people are replaced by
"andere Person", and rows that merely mention the user are never widened to other people's
data (other people's chat messages, who read what).
"""

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from intranet.features import FEATURES
from intranet.privacy_register import (
    PERSON_MODELS,
    PersonalField,
    entries,
    entries_by_category,
    personal_models,
)

# How many rows per entry the page shows; the JSON download always has all of them.
PAGE_ROWS_PER_ENTRY = 20


# --- The transparency page and privacy_report ----------------------------------------------


@dataclass
class FeatureState:
    key: str
    label: str
    description: str
    enabled: bool


def feature_states() -> list[FeatureState]:
    from intranet.models import FeatureSwitch

    switched = dict(FeatureSwitch.objects.values_list("key", "enabled"))
    return [
        FeatureState(
            key=feature.key,
            label=str(feature.label),
            description=str(feature.description),
            enabled=switched.get(feature.key, feature.default),
        )
        for feature in FEATURES
    ]


@dataclass
class RegisterRow:
    model_label: str
    model_name: str
    field_names: list[str]
    purpose: str
    visible_to: list[str]
    legal_basis: str
    retention: str
    at_end: str
    on_leaving: str


def _field_label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def register_overview() -> dict[str, list[RegisterRow]]:
    """The register by category, in words for the Personalrat (no database access)."""
    overview: dict[str, list[RegisterRow]] = {}
    for category, category_entries in sorted(entries_by_category().items()):
        overview[category] = [
            RegisterRow(
                model_label=entry.model_label,
                model_name=entry.display_title,
                field_names=[_field_label(entry.model_class, name) for name in entry.fields],
                purpose=str(entry.purpose),
                visible_to=[audience.label for audience in entry.visible_to],
                legal_basis=str(entry.legal_basis),
                retention=str(entry.retention),
                at_end=entry.at_end.label,
                on_leaving=str(entry.on_leaving),
            )
            for entry in category_entries
        ]
    return overview


def register_field_count() -> int:
    return sum(len(entry.fields) for entry in entries())


# --- "Meine Daten" ---------------------------------------------------------------------------


@dataclass
class EntryData:
    entry: PersonalField
    model_name: str
    columns: list[tuple[str, str]]  # (field name, label)
    records: list[dict] = field(default_factory=list)
    total: int = 0
    anchor: str = ""

    @property
    def rows(self) -> list[list]:
        """The records as table rows, in the order of `columns`."""
        return [[record[name] for name, _label in self.columns] for record in self.records]

    @property
    def visible_to(self) -> str:
        return ", ".join(audience.label for audience in self.entry.visible_to)


@dataclass
class _Subjects:
    """Who "the user" is in the database: their account and their directory entry."""

    by_label: dict[str, int]
    user_label: str

    def pk_for(self, model: type[models.Model]) -> int | None:
        return self.by_label.get(model._meta.label)


def _subjects(user) -> _Subjects:
    from directory.models import Person

    user_label = get_user_model()._meta.label
    by_label = {user_label: user.pk}
    person_pk = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_pk is not None:
        by_label[Person._meta.label] = person_pk
    return _Subjects(by_label=by_label, user_label=user_label)


def _sessions_of(user) -> models.QuerySet:
    """The user's live sessions, found through the directory's session index.

    Django's session table holds the user only inside the encoded data; the index
    (`directory.LoginSession`) names the keys, so nobody else's session is decoded."""
    from directory.models import LoginSession

    return Session.objects.filter(
        session_key__in=LoginSession.objects.filter(user=user).values("session_key"),
        expire_date__gt=timezone.now(),
    ).order_by("expire_date")


@dataclass
class LoginSessionRow:
    """One of the person's own sessions, for ending it in "Meine Daten"."""

    id: int  # the index entry's id; the session key itself is never shown (P5 masking)
    expires: datetime.datetime
    current: bool


def login_sessions_for_user(*, user, current_session_key: str | None) -> list[LoginSessionRow]:
    """The person's live sessions, the one in use first. Two queries."""
    from directory.models import LoginSession

    expiry = dict(_sessions_of(user).values_list("session_key", "expire_date"))
    rows = [
        LoginSessionRow(id=pk, expires=expiry[key], current=key == current_session_key)
        for pk, key in LoginSession.objects.filter(user=user).values_list("pk", "session_key")
        if key in expiry
    ]
    return sorted(rows, key=lambda row: (not row.current, row.expires))


# Personal models without a relation to the user: how to find the user's rows.
ROW_FINDERS = {"sessions.Session": _sessions_of}


def rows_for(entry: PersonalField, *, user, subjects: _Subjects) -> models.QuerySet | None:
    """The rows of an entry that belong to the user, or None if none can."""
    model = entry.model_class
    manager = model._base_manager
    if model._meta.label in {apps.get_model(label)._meta.label for label in PERSON_MODELS}:
        pk = subjects.pk_for(model)
        return manager.filter(pk=pk) if pk is not None else None
    if entry.model_label in ROW_FINDERS:
        return ROW_FINDERS[entry.model_label](user)
    condition = Q()
    for name in entry.person_fields:
        pk = subjects.pk_for(model._meta.get_field(name).related_model)
        if pk is not None:
            condition |= Q(**{name: pk})
    if not condition:
        return None
    queryset = manager.filter(condition)
    if any(model._meta.get_field(name).many_to_many for name in entry.person_fields):
        queryset = queryset.distinct()  # a row may match through several memberships
    single = [
        name
        for name in entry.fields
        if (f := model._meta.get_field(name)).is_relation and (f.many_to_one or f.one_to_one)
    ]
    multiple = [name for name in entry.fields if model._meta.get_field(name).many_to_many]
    return queryset.select_related(*single).prefetch_related(*multiple).order_by("pk")


def _render(value, *, subjects: _Subjects, personal: set[str], for_display: bool = False):
    """A value as JSON (or as text for the page): other people become "andere Person"."""
    if for_display:
        if value is None or value == "" or value == [] or value == {}:
            return "–"
        if isinstance(value, bool):
            return _("ja") if value else _("nein")
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, datetime.date):
            return formats.localize(value)
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
    if isinstance(value, models.Model):
        label = value._meta.label
        if subjects.by_label.get(label) == value.pk:
            return _("Sie selbst")
        if label in subjects.by_label or label in {
            apps.get_model(person)._meta.label for person in PERSON_MODELS
        }:
            return _("andere Person")
        if label in personal:
            return f"{value._meta.verbose_name} #{value.pk}"
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def _record(
    instance, entry: PersonalField, *, subjects: _Subjects, personal: set[str], for_display: bool
) -> dict:
    model = entry.model_class
    record = {}
    for name in entry.fields:
        model_field = model._meta.get_field(name)
        if model_field.many_to_many:
            values = [
                _render(item, subjects=subjects, personal=personal)
                for item in getattr(instance, name).all()
            ]
            values = [value for value in values if value != _("andere Person")]
            record[name] = (", ".join(values) or "–") if for_display else values
            continue
        value = getattr(instance, name)
        if name in entry.masked:
            value = _("gespeichert, wird hier nicht angezeigt") if value else None
            record[name] = value or "–" if for_display else value
        else:
            record[name] = _render(
                value, subjects=subjects, personal=personal, for_display=for_display
            )
    return record


def personal_data_for_user(
    *, user, limit: int | None = None, for_display: bool = False
) -> dict[str, list[EntryData]]:
    """Everything the register says is stored about the user, by category.

    `limit` caps the rows per entry (the page); the total is always counted. `for_display`
    gives text for the page instead of JSON values.
    """
    subjects = _subjects(user)
    personal = personal_models()
    result: dict[str, list[EntryData]] = {}
    for category, category_entries in sorted(entries_by_category().items()):
        for entry in category_entries:
            model = entry.model_class
            data = EntryData(
                entry=entry,
                model_name=entry.display_title,
                columns=[(name, _field_label(model, name)) for name in entry.fields],
                anchor=str(sum(len(listed) for listed in result.values()) + 1),
            )
            queryset = rows_for(entry, user=user, subjects=subjects)
            if queryset is not None:
                rows = list(queryset[:limit] if limit is not None else queryset)
                data.total = len(rows) if limit is None or len(rows) < limit else queryset.count()
                data.records = [
                    _record(
                        row, entry, subjects=subjects, personal=personal, for_display=for_display
                    )
                    for row in rows
                ]
            result.setdefault(category, []).append(data)
    return result


def personal_data_export(*, user) -> dict:
    """The machine-readable export (GDPR Art. 15 and 20)."""
    categories = []
    for category, category_data in personal_data_for_user(user=user).items():
        categories.append(
            {
                "category": category,
                "entries": [
                    {
                        "model": data.entry.model_label,
                        "name": data.model_name,
                        "purpose": str(data.entry.purpose),
                        "visible_to": [str(a.label) for a in data.entry.visible_to],
                        "legal_basis": str(data.entry.legal_basis),
                        "retention": str(data.entry.retention),
                        "fields": dict(data.columns),
                        "records": data.records,
                    }
                    for data in category_data
                ],
            }
        )
    return {
        "format": "mitarbeiterportal-meine-daten/1",
        "created_at": timezone.now().isoformat(),
        "username": user.get_username(),
        "note": _(
            "Enthalten sind alle Daten, die das Portal Ihnen zuordnet. Daten anderer Personen "
            "(z. B. deren Chatnachrichten oder wer was gelesen hat) sind nicht enthalten."
        ),
        "categories": categories,
    }
