"""The HR system's CSV export, imported all-or-nothing (docs/hr-import.md).

`staff_import_parse` reads and checks every row and returns a plan; `staff_import_apply`
writes the plan in one transaction, with bulk statements so that 20,000 rows stay fast.
A file with any bad row changes nothing.
"""

import csv
import datetime
import io
import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import permissions, search, services
from directory.bulk import bulk_insert
from directory.models import OfficeGroup, OrgUnit, Person
from intranet.services import audit_record

# Column → (Person field, required, max length). The header names what each column is.
COLUMNS = {
    "personalnummer": ("personnel_number", True, 20),
    "vorname": ("first_name", True, 100),
    "nachname": ("last_name", True, 100),
    "einheit": ("unit", True, 20),
    "funktion": ("function", False, 200),
    "telefon": ("phone", False, 40),
    "email": ("email", False, 254),
    "raum": ("room", False, 100),
    "eintritt": ("entry_date", False, 10),
    "austritt": ("exit_date", False, 10),
}
REQUIRED = [name for name, (_f, required, _l) in COLUMNS.items() if required]
HEADER_ALIASES = {
    "e-mail": "email",
    "personalnr": "personalnummer",
    "organisationseinheit": "einheit",
}
COMPARED = [
    "first_name",
    "last_name",
    "unit_id",
    "function",
    "phone",
    "email",
    "room",
    "entry_date",
    "exit_date",
]
MAX_ROWS = 50_000
# The encodings an export may come in (`--encoding`); without a choice UTF-8, else
# Windows-1252 is detected.
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "cp1250": "Windows-1250"}
# What no value may hold: a byte the encoding does not define (decoding with
# "surrogateescape" turns it into a lone surrogate U+DC80–U+DCFF, which no valid text
# contains), the replacement character U+FFFD (a conversion that already lost data), and
# control characters (NUL, which PostgreSQL refuses, and the other C0 and C1 controls).
_UNDEFINED_BYTE = re.compile("[\udc80-\udcff]")
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


@dataclass
class RowError:
    line: int
    message: str
    column: str = ""  # the CSV column, where the error sits in one value

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if self.column:
            return _("Zeile %(line)s, Spalte „%(column)s“: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Zeile %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportConflict(Exception):
    """The directory changed between the check and the write (a login or personnel number
    appeared meanwhile). Raised inside the import's transaction, so nothing is written."""


@dataclass
class ImportPlan:
    create: list[dict] = field(default_factory=list)
    update: list[tuple[Person, dict]] = field(default_factory=list)
    reactivate: list[Person] = field(default_factory=list)
    deactivate: list[Person] = field(default_factory=list)
    skipped_leavers: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": len(self.create),
            "updated": len(self.update),
            "reactivated": len(self.reactivate),
            "deactivated": len(self.deactivate),
            "unchanged": self.unchanged,
            "skipped_leavers": self.skipped_leavers,
        }

    @property
    def has_changes(self) -> bool:
        return bool(self.create or self.update or self.reactivate or self.deactivate)

    def summary_lines(self, *, dry_run: bool) -> list[str]:
        """The German report for the command and the admin view."""
        if self.errors:
            return [
                _("Die Datei enthält %(count)s Fehler; es wurde nichts geändert.")
                % {"count": len(self.errors)},
                *[str(error) for error in self.errors],
            ]
        counts = self.counts
        if dry_run:
            templates = [
                _("%(count)s Personen würden angelegt."),
                _("%(count)s Personen würden geändert."),
                _("%(count)s Personen würden wieder aktiviert."),
                _("%(count)s Personen würden deaktiviert."),
            ]
        else:
            templates = [
                _("%(count)s Personen wurden angelegt."),
                _("%(count)s Personen wurden geändert."),
                _("%(count)s Personen wurden wieder aktiviert."),
                _("%(count)s Personen wurden deaktiviert."),
            ]
        keys = ["created", "updated", "reactivated", "deactivated"]
        lines = [
            _("%(count)s Zeilen gelesen (%(encoding)s).")
            % {"count": counts["rows"], "encoding": self.encoding},
            *[
                template % {"count": counts[key]}
                for template, key in zip(templates, keys, strict=True)
            ],
            _("%(count)s Personen sind unverändert.") % {"count": counts["unchanged"]},
        ]
        if counts["skipped_leavers"]:
            lines.append(
                _(
                    "%(count)s bereits ausgeschiedene Personen sind nicht im Verzeichnis und "
                    "werden nicht angelegt."
                )
                % {"count": counts["skipped_leavers"]}
            )
        if not self.has_changes:
            lines.append(_("Die Datei enthält keine Änderungen; nichts wurde geändert."))
        elif dry_run:
            lines.append(_("Probelauf: es wurde nichts geändert."))
        return lines


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the name of its encoding. Without a choice: UTF-8 (with or without BOM)
    if the file is valid UTF-8, else Windows-1252, as German HR exports often are; but a file
    that is mostly UTF-8 with a few invalid bytes is broken UTF-8, not Windows-1252.

    Nothing is replaced: a byte the encoding does not define becomes a lone surrogate, which
    the parser reports as a row error with its line and column (`_character_errors`)."""
    if encoding is None:
        try:
            return data.decode("utf-8-sig"), ENCODINGS["utf-8"]
        except UnicodeDecodeError:
            encoding = "utf-8" if _mostly_utf8(data) else "cp1252"
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    return data.decode(codec, errors="surrogateescape"), ENCODINGS[encoding]


def _mostly_utf8(data: bytes) -> bool:
    """More valid multi-byte UTF-8 characters than invalid bytes? In a real Windows-1252
    export almost every non-ASCII byte is invalid UTF-8 ("Jürgen" is J, 0xFC, r, …)."""
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_UNDEFINED_BYTE.findall(text))
    return len(_NON_ASCII.findall(text)) - invalid > invalid


def _character_errors(line: int, values: list[str], names: list[str], encoding: str) -> list:
    """Every undefined byte, replacement character or control character, by its CSV column
    and its place in the value (1 = first character)."""
    errors = []
    for index, value in enumerate(values):
        column = names[index] if index < len(names) else str(index + 1)
        for match in _BAD_CHARACTER.finditer(value):
            char, position = match.group(), match.start() + 1
            if "\udc80" <= char <= "\udcff":
                message = _(
                    "Das Byte 0x%(byte)s an Stelle %(position)s ist in %(encoding)s nicht "
                    "definiert."
                ) % {
                    "byte": f"{ord(char) - 0xDC00:02X}",
                    "position": position,
                    "encoding": encoding,
                }
            elif char == "\ufffd":
                message = _(
                    "An Stelle %(position)s steht das Ersatzzeichen U+FFFD: Die Datei wurde "
                    "schon vor dem Import falsch umgewandelt."
                ) % {"position": position}
            else:
                message = _(
                    "An Stelle %(position)s steht das Steuerzeichen U+%(code)s; es ist nicht "
                    "erlaubt."
                ) % {"position": position, "code": f"{ord(char):04X}"}
            errors.append(RowError(line, message, column=column))
    return errors


def _records(reader, plan: "ImportPlan"):
    """The CSV records; a record the csv module cannot read ends the file with an error."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            plan.errors.append(
                RowError(
                    reader.line_num,
                    _(
                        "Ab hier ist die Datei kein gültiges CSV, etwa wegen eines "
                        "Anführungszeichens ohne Gegenstück; sie wurde nicht weiter gelesen."
                    ),
                )
            )
            return


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _date(value: str) -> datetime.date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _header(raw: list[str]) -> tuple[list[str], list[RowError]]:
    names = [HEADER_ALIASES.get(n.strip().lower(), n.strip().lower()) for n in raw]
    errors = []
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        errors.append(
            RowError(1, _("Pflichtspalten fehlen: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        errors.append(
            RowError(1, _("Unbekannte Spalten: %(columns)s.") % {"columns": ", ".join(unknown)})
        )
    return names, errors


def _clean_row(line: int, values: dict[str, str], units: dict[str, int]) -> tuple[dict, list]:
    """Check one row; columns the file does not have are left out (and left alone)."""
    errors: list[RowError] = []
    row: dict = {}
    for column, (target, required, max_length) in COLUMNS.items():
        if column not in values:
            continue
        value = (values[column] or "").strip()
        if required and not value:
            errors.append(
                RowError(line, _("Die Spalte „%(column)s“ ist leer.") % {"column": column})
            )
            continue
        if len(value) > max_length:
            errors.append(
                RowError(
                    line,
                    _("„%(column)s“ ist zu lang (höchstens %(max)s Zeichen).")
                    % {"column": column, "max": max_length},
                )
            )
            continue
        row[target] = value
    if "unit" in row:
        unit_id = units.get(row.pop("unit"))
        if unit_id is None:
            errors.append(
                RowError(
                    line,
                    _("Die Einheit „%(unit)s“ gibt es nicht.")
                    % {"unit": values.get("einheit", "").strip()},
                )
            )
        else:
            row["unit_id"] = unit_id
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError:
            errors.append(
                RowError(
                    line,
                    _("„%(email)s“ ist keine gültige E-Mail-Adresse.") % {"email": row["email"]},
                )
            )
    for column, target in (("eintritt", "entry_date"), ("austritt", "exit_date")):
        if row.get(target):
            try:
                row[target] = _date(row[target])
            except ValueError:
                errors.append(
                    RowError(
                        line,
                        _("„%(column)s“ ist kein Datum (TT.MM.JJJJ): „%(value)s“.")
                        % {"column": column, "value": row[target]},
                    )
                )
        elif target in row:
            row[target] = None
    if (
        isinstance(row.get("entry_date"), datetime.date)
        and isinstance(row.get("exit_date"), datetime.date)
        and row["exit_date"] < row["entry_date"]
    ):
        errors.append(RowError(line, _("Das Austrittsdatum liegt vor dem Eintrittsdatum.")))
    return row, errors


def staff_import_parse(
    data: bytes, *, deactivate_missing: bool = False, encoding: str | None = None
) -> ImportPlan:
    """Read the export and decide, row by row, what would change. Writes nothing."""
    plan = ImportPlan()
    text, plan.encoding = decode(data, encoding)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        plan.errors.append(RowError(0, _("Die Datei ist leer.")))
        return plan
    undefined = len(_UNDEFINED_BYTE.findall(text))
    if undefined:
        plan.errors.append(
            RowError(
                0,
                _(
                    "Die Datei ist kein gültiges %(encoding)s: %(count)s Bytes sind darin nicht "
                    "definiert (einzeln unten). Bitte die Datei als UTF-8 exportieren oder "
                    "ihre Kodierung angeben und erneut importieren."
                )
                % {"encoding": plan.encoding, "count": undefined},
            )
        )
    # One search over the whole text, so that a clean file costs no check per value.
    check_characters = _BAD_CHARACTER.search(text) is not None
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    records = _records(reader, plan)
    raw_header = next(records, [])
    if check_characters:
        header_errors = _character_errors(1, raw_header, [], plan.encoding)
        if header_errors:
            plan.errors.extend(header_errors)
            return plan
    names, header_errors = _header(raw_header)
    if header_errors:
        plan.errors.extend(header_errors)
        return plan
    units = dict(OrgUnit.objects.exclude(number="").values_list("number", "pk"))
    rows: dict[str, tuple[int, dict]] = {}
    for raw in records:
        line = reader.line_num
        if not any(value.strip() for value in raw):
            continue
        plan.rows += 1
        if plan.rows > MAX_ROWS:
            plan.errors.append(RowError(line, _("Mehr als %(max)s Zeilen.") % {"max": MAX_ROWS}))
            break
        if check_characters:
            # Before any other check, so that no message quotes an undecodable value.
            character_errors = _character_errors(line, raw, names, plan.encoding)
            if character_errors:
                plan.errors.extend(character_errors)
                continue
        if len(raw) != len(names):
            plan.errors.append(
                RowError(
                    line,
                    _("%(found)s statt %(expected)s Spalten – Trennzeichen prüfen.")
                    % {"found": len(raw), "expected": len(names)},
                )
            )
            continue
        row, errors = _clean_row(line, dict(zip(names, raw, strict=True)), units)
        plan.errors.extend(errors)
        number = row.get("personnel_number")
        if not errors and number:
            # Keyed by the lower-case number, which is also the login name: "A100" and
            # "a100" are one person to the city's sign-in, so they are one here too.
            key = number_key(number)
            if key in rows:
                first_line, first = rows[key]
                plan.errors.append(_duplicate_error(line, number, first_line, first))
                continue
            rows[key] = (line, row)
    # The rows that passed are compared with the directory even when others failed, so the
    # report names every bad row at once; a plan with errors is never applied.
    _plan_changes(plan, rows=rows, deactivate_missing=deactivate_missing)
    if plan.errors:
        plan.errors.sort(key=lambda error: error.line)
        plan.create, plan.update, plan.reactivate, plan.deactivate = [], [], [], []
    return plan


def number_key(number: str) -> str:
    """Personnel numbers compare case-insensitively, like the login names made from them."""
    return number.lower()


def _duplicate_error(line: int, number: str, first_line: int, first: dict) -> RowError:
    if first["personnel_number"] == number:
        message = _("Personalnummer %(number)s steht schon in Zeile %(first)s.") % {
            "number": number,
            "first": first_line,
        }
    else:
        message = _(
            "Personalnummer %(number)s steht schon in Zeile %(first)s (als %(other)s); "
            "Groß- und Kleinschreibung zählen bei Personalnummern nicht."
        ) % {"number": number, "first": first_line, "other": first["personnel_number"]}
    return RowError(line, message)


def _plan_changes(plan: ImportPlan, *, rows: dict, deactivate_missing: bool) -> None:
    """Compare with the directory. Reads plain values, not model instances: a full export
    of 20,000 mostly unchanged people must stay cheap (re-import ≤ 5 s)."""
    today = timezone.localdate()
    names = ["pk", "personnel_number", "is_active", "user_id", *COMPARED]
    existing = {
        values[1]: dict(zip(names, values, strict=True))
        for values in Person.objects.values_list(*names)
    }
    existing_keys = {number_key(number): number for number in existing}
    logins = _logins_by_key()
    numbers_by_user = {
        current["user_id"]: number for number, current in existing.items() if current["user_id"]
    }
    updates: list[tuple[int, dict]] = []
    reactivate: list[int] = []
    deactivate: list[int] = []
    for key, (line, row) in rows.items():
        number = row["personnel_number"]
        left = row.get("exit_date") is not None and row["exit_date"] < today
        current = existing.get(number)
        if current is None:
            if key in existing_keys:
                plan.errors.append(_case_collision_error(line, number, existing_keys[key]))
            elif left:
                plan.skipped_leavers += 1
            elif key in logins:
                user_id, username = logins[key]
                plan.errors.append(
                    _login_collision_error(line, number, username, numbers_by_user.get(user_id))
                )
            else:
                plan.create.append(row)
            continue
        changes = {key: row[key] for key in COMPARED if key in row and current[key] != row[key]}
        if changes:
            updates.append((current["pk"], changes))
        if left and current["is_active"]:
            deactivate.append(current["pk"])
        elif not left and not current["is_active"]:
            reactivate.append(current["pk"])
        elif not changes:
            plan.unchanged += 1
    if deactivate_missing:
        deactivate += [
            current["pk"]
            for number, current in existing.items()
            if number_key(number) not in rows and current["is_active"]
        ]
    people = Person.objects.in_bulk([pk for pk, _c in updates] + reactivate + deactivate)
    plan.update = [(people[pk], changes) for pk, changes in updates]
    plan.reactivate = [people[pk] for pk in reactivate]
    plan.deactivate = [people[pk] for pk in deactivate]


def _logins_by_key() -> dict[str, tuple[int, str]]:
    """Every login name, lower-cased: a new person's login must not exist in any case."""
    return {
        username.lower(): (pk, username)
        for pk, username in get_user_model().objects.values_list("pk", "username")
    }


def _case_collision_error(line: int, number: str, existing: str) -> RowError:
    return RowError(
        line,
        _(
            "Personalnummer %(number)s: Im Verzeichnis steht schon %(existing)s; "
            "Groß- und Kleinschreibung zählen bei Personalnummern nicht. Bitte die "
            "Schreibweise an die vorhandene anpassen."
        )
        % {"number": number, "existing": existing},
    )


def _login_collision_error(line: int, number: str, username: str, owner: str | None) -> RowError:
    if owner is None:
        message = _(
            "Personalnummer %(number)s: Es gibt schon ein Benutzerkonto „%(username)s“ ohne "
            "Person im Verzeichnis. Der Import übernimmt kein vorhandenes Konto; bitte das Konto "
            "im Admin prüfen (löschen oder umbenennen) und erneut importieren."
        )
    else:
        message = _(
            "Personalnummer %(number)s: Das Benutzerkonto „%(username)s“ gehört schon zur "
            "Personalnummer %(owner)s."
        )
    return RowError(line, message % {"number": number, "username": username, "owner": owner})


def staff_import_run(
    data: bytes,
    *,
    actor,
    dry_run: bool,
    deactivate_missing: bool = False,
    encoding: str | None = None,
) -> ImportPlan:
    """Check the file and, unless this is a dry run and the file is valid, write it. The admin
    view and the command both come here; the report is `plan.summary_lines`."""
    _actor_check(actor)  # a dry run names logins and personnel numbers: the same right
    plan = staff_import_parse(data, deactivate_missing=deactivate_missing, encoding=encoding)
    if plan.errors or dry_run:
        return plan
    try:
        staff_import_apply(plan, actor=actor)
    except ImportConflict as conflict:
        plan.create, plan.update, plan.reactivate, plan.deactivate = [], [], [], []
        plan.errors.append(
            RowError(
                0,
                _(
                    "Während des Imports sind Benutzerkonten oder Personalnummern entstanden, "
                    "die mit der Datei kollidieren (%(numbers)s); es wurde nichts geändert. "
                    "Bitte den Import wiederholen: der Bericht nennt dann die Zeilen."
                )
                % {"numbers": ", ".join(conflict.args[0])},
            )
        )
    return plan


@transaction.atomic
def staff_import_apply(plan: ImportPlan, *, actor) -> ImportPlan:
    """Write a checked plan, all or nothing (one transaction). The caller must not pass a plan
    with errors.

    `actor` is central HR (`permissions.user_may_import_staff`), or `services.SYSTEM` from the
    command; anyone else, and `None`, gets PermissionDenied before anything is written. The
    import only places people in their primary unit (never further units or office roles),
    and only in units the actor maintains: for central HR, every unit."""
    _actor_check(actor)
    if plan.errors:
        raise ValueError("A plan with errors is never applied.")
    _units_check(plan, actor)
    if not plan.has_changes:
        return plan
    created = person_rows_create(plan.create)
    if plan.update:
        _update_people(plan.update)
    for person in plan.reactivate:
        person.is_active = True
        person.save(update_fields=["is_active"])
        if person.user_id:
            type(person.user).objects.filter(pk=person.user_id).update(is_active=True)
        services.person_groups_sync(person=Person.objects.select_related("user").get(pk=person.pk))
    for person in plan.deactivate:
        services.person_deactivate(
            person=Person.objects.select_related("user").get(pk=person.pk),
            actor=actor,
            audit=False,
        )
    _search_refresh([person.pk for person, _changes in plan.update])
    if len(created) + len(plan.update) > 1000:
        search.search_statistics_refresh()
    audit_record(
        actor=actor,
        action="directory.import",
        summary="Import aus dem Personalverwaltungssystem",
        changes=plan.counts,
    )
    plan.applied = True
    return plan


def _actor_check(actor) -> None:
    if actor is services.SYSTEM:
        return
    if actor is None or not permissions.user_may_import_staff(actor):
        raise PermissionDenied(
            _("Den Personalimport darf nur die zentrale Personalverwaltung ausführen.")
        )


def _units_check(plan: ImportPlan, actor) -> None:
    if actor is services.SYSTEM:
        return
    unit_ids = {row["unit_id"] for row in plan.create} | {
        changes["unit_id"] for _person, changes in plan.update if "unit_id" in changes
    }
    if not unit_ids:
        return
    allowed = permissions.units_managed_by(actor).filter(pk__in=unit_ids)
    if set(allowed.values_list("pk", flat=True)) != unit_ids:
        raise PermissionDenied(_("Der Import setzt Personen in Einheiten, die Sie nicht pflegen."))


def person_rows_create(rows: list[dict], *, reuse_logins: bool = False) -> list[Person]:
    """New people with their accounts and Amt member groups, in a few bulk statements.

    The import never takes over an existing login (`ImportConflict`, inside its transaction).
    Only the synthetic bulk data (`seed_bulk`) passes `reuse_logins=True`, to pick up its own
    accounts from an earlier run.
    """
    if not rows:
        return []
    User = get_user_model()
    usernames = [number_key(row["personnel_number"]) for row in rows]
    if not reuse_logins:
        _conflicts_refuse(usernames)
    users = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    new_users = [
        User(
            username=username,
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row.get("email", ""),
            # Accounts log in through the city's single sign-on; no local password. This is
            # what make_password(None) stores, "!" + random text, minus its per-character cost.
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        for username, row in zip(usernames, rows, strict=True)
        if username not in users
    ]
    bulk_insert(User, new_users)
    users = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    taken = set(Person.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True))
    units = {unit.pk: unit for unit in OrgUnit.objects.select_related("parent__parent")}
    unit_texts = {pk: search.unit_text(unit) for pk, unit in units.items()}
    people = []
    for username, row in zip(usernames, rows, strict=True):
        user_id = users[username] if users[username] not in taken else None
        person = Person(user_id=user_id, **row)
        person.unit = units[row["unit_id"]]
        columns = search.person_search_columns(
            person, public_topics=False, unit_text=unit_texts[person.unit_id]
        )
        for name, value in columns.items():
            setattr(person, name, value)
        people.append(person)
    bulk_insert(Person, people)
    _member_groups_add(people, units=units)
    return people


def _conflicts_refuse(keys: list[str]) -> None:
    """Checked again inside the write: a login or person may have appeared since the check."""
    wanted = set(keys)
    taken = wanted & set(_logins_by_key())
    numbers = Person.objects.values_list("personnel_number", flat=True)
    taken |= wanted & {number_key(number) for number in numbers}
    if taken:
        raise ImportConflict(sorted(taken))


def _member_groups_add(people: list[Person], *, units: dict[int, OrgUnit]) -> None:
    groups = dict(
        OfficeGroup.objects.filter(kind=OfficeGroup.Kind.MEMBERS).values_list("amt_id", "group_id")
    )
    Membership = get_user_model().groups.through
    memberships = []
    for person in people:
        amt = units[person.unit_id].amt
        if person.user_id and amt is not None:
            if amt.pk not in groups:
                groups[amt.pk] = services.amt_groups_ensure(amt=amt)[OfficeGroup.Kind.MEMBERS].pk
            memberships.append(Membership(user_id=person.user_id, group_id=groups[amt.pk]))
    bulk_insert(Membership, memberships)


def _update_people(updates: list[tuple[Person, dict]]) -> None:
    units = {unit.pk: unit for unit in OrgUnit.objects.select_related("parent__parent")}
    fields: set[str] = set()
    moved = []
    for person, changes in updates:
        old_amt = units[person.unit_id].amt
        for name, value in changes.items():
            setattr(person, name, value)
        person.unit = units[person.unit_id]
        fields |= {"unit" if name == "unit_id" else name for name in changes}
        if person.unit.amt != old_amt:
            moved.append(person.pk)
    Person.objects.bulk_update([p for p, _c in updates], sorted(fields), batch_size=2000)
    for person in Person.objects.filter(pk__in=moved).select_related("user"):
        services.person_groups_sync(person=person)


def _search_refresh(pks: list[int]) -> None:
    for start in range(0, len(pks), 5000):
        services.person_search_refresh(
            people=Person.objects.filter(pk__in=pks[start : start + 5000])
        )
