"""Writes to the organisational tree and the people in it, and the group sync they cause."""

from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from directory import permissions, search, selectors
from directory.models import (
    ROLE_GROUP_KIND,
    VOLUNTARY_FIELDS_AND_VISIBILITY,
    LoginSession,
    OfficeGroup,
    OfficeRole,
    OrgUnit,
    Person,
    Visibility,
)
from directory.office_groups import office_groups_writable
from directory.signals import amt_groups_ensured, amt_merging, login_sessions_ended
from intranet.services import audit_record
from intranet.sessions import session_store


class SystemActor:
    """The actor of writes that no person makes: demo seeding, the nightly HR sync command,
    data migrations. Views never pass it; they pass `request.user`."""

    is_authenticated = False
    is_active = True
    pk = None

    def __str__(self):
        return "System"


SYSTEM = SystemActor()


def _is_system(actor) -> bool:
    return actor is SYSTEM


def _refuse_unless(allowed: bool) -> None:
    """An actor outside the whole area (not HR at all, say): 403, not a field error."""
    if not allowed:
        raise PermissionDenied(_("Dazu sind Sie nicht berechtigt."))


def _raise_errors(errors: dict[str, str]) -> None:
    """Refusals a form shows at its fields (German), with nothing saved."""
    if errors:
        raise ValidationError(errors)


def _audit(*, actor, action: str, target, summary: str, changes: dict) -> None:
    """Writes by people are audited here (P9); SYSTEM writes by their caller (the import
    records one entry with counts, demo seeding none)."""
    if not _is_system(actor):
        audit_record(actor=actor, action=action, target=target, summary=summary, changes=changes)


def _snapshot(instance, fields) -> dict[str, str]:
    values = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = "" if value is None else str(value)
    return values


def _diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [before.get(name, ""), value]
        for name, value in after.items()
        if before.get(name, "") != value
    }


CENTRAL_HR_GROUP_NAME = "Personalverwaltung (zentral)"
CENTRAL_HR_PERMISSIONS = [
    "directory.manage_staff",
    "directory.add_person",
    "directory.change_person",
    "directory.view_person",
    "directory.add_orgunit",
    "directory.change_orgunit",
    "directory.view_orgunit",
    "directory.add_officerole",
    "directory.change_officerole",
    "directory.delete_officerole",
    "directory.view_officerole",
    "wagtailadmin.access_admin",
]

OFFICE_GROUP_LABELS = {
    OfficeGroup.Kind.MEMBERS: "Mitarbeitende",
    OfficeGroup.Kind.DIGITAL_MOVERS: "Digital Movers",
    OfficeGroup.Kind.REDAKTION: "Redaktion",
    OfficeGroup.Kind.PERSONAL: "Personalsachbearbeitung",
}


def office_group_name(*, amt: OrgUnit, kind: str) -> str:
    return f"Amt {amt.number} – {OFFICE_GROUP_LABELS[kind]}"


def _permission(codename: str) -> Permission:
    app_label, name = codename.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=name)


@transaction.atomic
def central_hr_group_ensure() -> Group:
    group, _created = Group.objects.get_or_create(name=CENTRAL_HR_GROUP_NAME)
    group.permissions.add(*[_permission(codename) for codename in CENTRAL_HR_PERMISSIONS])
    return group


@transaction.atomic
def amt_groups_ensure(*, amt: OrgUnit) -> dict[str, Group]:
    """Create or rename the Amt's groups and grant their object permissions on the Amt."""
    groups: dict[str, Group] = {}
    existing = {og.kind: og for og in OfficeGroup.objects.filter(amt=amt).select_related("group")}
    for kind in OfficeGroup.Kind.values:
        name = office_group_name(amt=amt, kind=kind)
        if kind in existing:
            group = existing[kind].group
            if group.name != name:
                group.name = name
                group.save(update_fields=["name"])
        else:
            group, _created = Group.objects.get_or_create(name=name)
            OfficeGroup.objects.create(amt=amt, kind=kind, group=group)
        groups[kind] = group
    # HR clerks of this Amt manage its staff data, and nothing outside it; they reach the
    # Wagtail admin, where directory/permissions.py limits them to their Amt.
    assign_perm("directory.manage_staff", groups[OfficeGroup.Kind.PERSONAL], amt)
    groups[OfficeGroup.Kind.PERSONAL].permissions.add(_permission("wagtailadmin.access_admin"))
    # The wiki's section and the chat's room follow the groups (receivers in their apps).
    amt_groups_ensured.send(sender=OrgUnit, amt=amt)
    return groups


UNIT_FIELDS = [
    "kind",
    "number",
    "name",
    "also_known_as",
    "parent",
    "leader",
    "phone",
    "email",
    "address",
]


@transaction.atomic
def org_unit_create(
    *, actor, kind: str, name: str, number: str = "", parent: OrgUnit | None = None, **fields
) -> OrgUnit:
    """A new unit. Central HR anywhere; an Amt's clerks below their own Amt only."""
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_use_hr_admin(actor))
        _raise_errors(permissions.unit_edit_errors(actor, unit=None, kind=kind, parent=parent))
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"Not a unit field: {sorted(unknown)}")
    unit = OrgUnit(kind=kind, name=name, number=number, parent=parent, **fields)
    unit.full_clean()
    unit.save()
    if unit.kind == OrgUnit.Kind.AMT:
        amt_groups_ensure(amt=unit)
    _audit(
        actor=actor,
        action="directory.orgunit.create",
        target=unit,
        summary=str(unit),
        changes={
            "fields": sorted(name for name, value in _snapshot(unit, UNIT_FIELDS).items() if value)
        },
    )
    return unit


SEARCHED_UNIT_FIELDS = {"kind", "number", "name", "also_known_as", "parent"}


@transaction.atomic
def org_unit_update(*, unit: OrgUnit, actor, **fields) -> OrgUnit:
    """Change a unit's data. A new parent moves everyone below it (groups and search follow);
    moving between Ämter is restructuring (`org_unit_move`), for central HR."""
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"Not a unit field: {sorted(unknown)}")
    before_unit = OrgUnit.objects.select_related("parent__parent").get(pk=unit.pk)
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_use_hr_admin(actor))
        _raise_errors(
            permissions.unit_edit_errors(
                actor,
                unit=before_unit,
                kind=fields.get("kind", before_unit.kind),
                parent=fields.get("parent", before_unit.parent),
            )
        )
    before = _snapshot(before_unit, UNIT_FIELDS)
    previous_amt = before_unit.amt
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    if unit.kind == OrgUnit.Kind.AMT:
        amt_groups_ensure(amt=unit)
    if unit.amt != previous_amt or unit.kind != before_unit.kind:
        org_unit_members_groups_sync(unit=unit)
    changes = _diff(before, _snapshot(unit, UNIT_FIELDS))
    if SEARCHED_UNIT_FIELDS & set(changes):
        person_search_refresh(
            people=Person.objects.filter(selectors.units_below_q(unit=unit, prefix="unit"))
        )
    if changes:
        _audit(
            actor=actor,
            action="directory.orgunit.edit",
            target=unit,
            summary=str(unit),
            changes=changes,
        )
    return unit


@transaction.atomic
def org_unit_move(*, unit: OrgUnit, parent: OrgUnit, actor) -> OrgUnit:
    """Hang a unit (with everything below it) under a new parent; people and groups follow.
    Central HR only: it changes several Ämter at once."""
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_restructure(actor))
    before = str(unit.parent) if unit.parent else ""
    unit = org_unit_update(unit=unit, parent=parent, actor=SYSTEM)  # audited once, below
    audit_record(
        actor=actor,
        action="directory.unit.move",
        target=unit,
        summary=f"{unit} verschoben",
        changes={"parent": [before, str(parent)]},
    )
    return unit


@transaction.atomic
def org_unit_merge(*, source: OrgUnit, target: OrgUnit, actor) -> OrgUnit:
    """Merge `source` into `target` (same kind): its people, sub-units and roles move over,
    the office groups follow, and `source` is deleted. Central HR only."""
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_restructure(actor))
    if source.pk == target.pk:
        raise ValidationError(_("Eine Einheit kann nicht mit sich selbst zusammengelegt werden."))
    if source.kind != target.kind:
        raise ValidationError(_("Nur Einheiten derselben Art können zusammengelegt werden."))
    affected = list(
        Person.objects.filter(
            selectors.units_below_q(unit=source, prefix="unit")
            | selectors.units_below_q(unit=source, prefix="further_units")
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    counts = {
        "people": Person.objects.filter(unit=source).update(unit=target),
        "sub_units": source.children.update(parent=target),
    }
    for person in Person.objects.filter(further_units=source):
        person.further_units.remove(source)
        person.further_units.add(target)
    if source.kind == OrgUnit.Kind.AMT:
        for role in OfficeRole.objects.filter(amt=source):
            OfficeRole.objects.get_or_create(person=role.person, amt=target, role=role.role)
        OfficeRole.objects.filter(amt=source).delete()
    if target.leader_id is None and source.leader_id is not None:
        target.leader_id = source.leader_id
        target.save(update_fields=["leader"])
    source_groups = list(
        Group.objects.filter(office_group__amt=source).values_list("pk", flat=True)
    )
    summary = f"{source} → {target}"
    if source.kind == OrgUnit.Kind.AMT:
        amt_merging.send(sender=OrgUnit, source=source, target=target)
    with office_groups_writable():
        source.delete()
        Group.objects.filter(pk__in=source_groups).delete()
    people = Person.objects.filter(pk__in=affected).select_related("user")
    for person in people:
        person_groups_sync(person=person)
    person_search_refresh(people=Person.objects.filter(pk__in=affected))
    audit_record(
        actor=actor,
        action="directory.unit.merge",
        target=target,
        summary=summary,
        changes=counts,
    )
    return target


def person_search_refresh(*, people: QuerySet[Person]) -> int:
    """Recompute the derived search columns of these people (after any change they show)."""
    batch = list(people.select_related("unit__parent__parent"))
    for person in batch:
        columns = search.person_search_columns(
            person, public_topics=person.topics_visibility == Visibility.ALL
        )
        for name, value in columns.items():
            setattr(person, name, value)
    Person.objects.bulk_update(
        batch, ["search_document", "search_names", "search_phonetic"], batch_size=1000
    )
    return len(batch)


@transaction.atomic
def org_unit_members_groups_sync(*, unit: OrgUnit) -> None:
    """People in and below a unit follow it when it moves to another Amt."""
    below = selectors.units_below_q(unit=unit, prefix="unit") | selectors.units_below_q(
        unit=unit, prefix="further_units"
    )
    for person in Person.objects.filter(below).distinct().select_related("user"):
        person_groups_sync(person=person)


# The official data HR maintains (P6); the voluntary fields are the person's own.
PERSON_FIELDS = [
    "personnel_number",
    "first_name",
    "last_name",
    "unit",
    "function",
    "responsibilities",
    "phone",
    "email",
    "room",
    "entry_date",
    "exit_date",
    "deputy",
]
# The login link and "aktiv" change only through the import, sign-in and offboarding.
SYSTEM_ONLY_FIELDS = {"user", "is_active"}
# The personnel number is the HR system's key; the audit names the record, not the number.
UNAUDITED_VALUES = {"personnel_number"}


def _person_authorise(actor, *, person: Person | None, fields: dict) -> None:
    if _is_system(actor):
        return
    _refuse_unless(permissions.user_may_use_hr_admin(actor))
    system_only = SYSTEM_ONLY_FIELDS & set(fields)
    if system_only:
        raise PermissionDenied(
            _("Anmeldung und Status ändern nur der Personalimport und das Ausscheiden.")
        )
    _raise_errors(
        permissions.person_placement_errors(
            actor,
            person=person,
            unit=fields.get("unit", person.unit if person is not None else None),
            further_units=fields.get("further_units"),
        )
    )


def _person_derived_refresh(person: Person) -> None:
    """The one refresh point of what follows from a person's data: the office groups and
    the search columns."""
    person_groups_sync(person=person)
    person_search_refresh(people=Person.objects.filter(pk=person.pk))


def _further_unit_names(person: Person) -> str:
    return ", ".join(sorted(str(unit) for unit in person.further_units.all()))


@transaction.atomic
def person_create(*, actor, further_units=(), **fields) -> Person:
    """A new person with the official data. HR of the units involved, or the import."""
    unknown = set(fields) - set(PERSON_FIELDS) - SYSTEM_ONLY_FIELDS
    if unknown:
        raise ValueError(f"Not a person field: {sorted(unknown)}")
    _person_authorise(actor, person=None, fields={**fields, "further_units": list(further_units)})
    person = Person(**fields)
    person.full_clean()
    person.save()
    if further_units:
        person.further_units.set(further_units)
    _person_derived_refresh(person)
    _audit(
        actor=actor,
        action="directory.person.create",
        target=person,
        summary=person.full_name,
        changes={
            "fields": sorted(
                name
                for name, value in _snapshot(person, PERSON_FIELDS).items()
                if value and name not in UNAUDITED_VALUES
            )
        },
    )
    return person


@transaction.atomic
def person_update(*, person: Person, actor, **fields) -> Person:
    """Change a person's official data (`PERSON_FIELDS`, `further_units`).

    HR clerks only for people of their Ämter and only into units of their Ämter; nobody
    changes their own placement (permissions.person_placement_errors)."""
    unknown = set(fields) - set(PERSON_FIELDS) - SYSTEM_ONLY_FIELDS - {"further_units"}
    if unknown:
        raise ValueError(f"Not a person field: {sorted(unknown)}")
    stored = Person.objects.select_related("unit__parent__parent").get(pk=person.pk)
    _person_authorise(actor, person=stored, fields=fields)
    before = {**_snapshot(stored, PERSON_FIELDS), "further_units": _further_unit_names(stored)}
    further_units = fields.pop("further_units", None)
    # The write goes to the stored row: nothing else a caller changed in memory is saved
    # without the check above.
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    if further_units is not None:
        stored.further_units.set(further_units)
    _person_derived_refresh(stored)
    for name in fields:
        setattr(person, name, getattr(stored, name))
    after = {**_snapshot(stored, PERSON_FIELDS), "further_units": _further_unit_names(stored)}
    changes = _diff(before, after)
    if changes:
        _audit(
            actor=actor,
            action="directory.person.edit",
            target=stored,
            summary=stored.full_name,
            changes={
                name: value for name, value in changes.items() if name not in UNAUDITED_VALUES
            },
        )
    return person


PROFILE_FIELDS = {*VOLUNTARY_FIELDS_AND_VISIBILITY, "deputy", "absent_until"}


@transaction.atomic
def person_profile_update(*, person: Person, **fields) -> Person:
    """The person's own voluntary data, absence and deputy; never the official fields."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Not a voluntary profile field: {sorted(unknown)}")
    deputy = fields.get("deputy")
    if deputy is not None and deputy.pk == person.pk:
        raise ValidationError({"deputy": _("Sie können sich nicht selbst vertreten.")})
    old_photo = person.photo.name if person.photo else ""
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    if old_photo and old_photo != (person.photo.name if person.photo else ""):
        storage = person.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    person_search_refresh(people=Person.objects.filter(pk=person.pk))
    return person


@transaction.atomic
def person_deactivate(*, person: Person, actor, audit: bool = True) -> Person:
    """Offboard a leaver (P8): hide the profile at once, take away the office groups and the
    login, end their sessions and, after commit, close their open WebSockets.

    HR of the person's Amt, the import (SYSTEM) or the sign-in lifecycle; never oneself."""
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_offboard(actor, person))
    if not person.is_active and (person.user is None or not person.user.is_active):
        return person
    person.is_active = False
    person.save(update_fields=["is_active"])
    person_groups_sync(person=person)
    # Nobody keeps pointing at a leaver as their deputy or as a unit's leader.
    Person.objects.filter(deputy=person).update(deputy=None)
    OrgUnit.objects.filter(leader=person).update(leader=None)
    user = person.user
    if user is not None:
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_sessions_end(user=user)
    if audit:  # a bulk import records one entry with counts instead
        audit_record(
            actor=actor,
            action="directory.person.deactivate",
            target=person,
            summary=f"{person.full_name} ausgeschieden",
            changes={"is_active": [True, False]},
        )
    return person


def _sessions_ended_after_commit(*, user_id: int, keys: list[str], all_sessions: bool) -> None:
    """Tell the other apps (the chat closes the sockets) once the ending is committed."""

    def send():
        login_sessions_ended.send(
            sender=LoginSession, user_id=user_id, session_keys=keys, all_sessions=all_sessions
        )

    # robust: a channel layer that is down must not undo a logout or an offboarding; the
    # socket then notices on its next frame that its session is gone (chat/consumers.py).
    transaction.on_commit(send, robust=True)


def _sessions_delete(*, user, keys: list[str]) -> None:
    for key in keys:
        session_store(key).delete()  # the cache entry as well as the row
    LoginSession.objects.filter(user=user, session_key__in=keys).delete()


def user_sessions_end(*, user) -> int:
    """Delete every session of the user and close their sockets once the transaction commits."""
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    _sessions_delete(user=user, keys=keys)
    _sessions_ended_after_commit(user_id=user.pk, keys=keys, all_sessions=True)
    return len(keys)


@transaction.atomic
def login_session_end(*, user, login_session_id: int) -> None:
    """The person ends one of their own sessions in "Meine Daten" (another device, say).

    Only the person's own index entries can be named; any other id is LoginSession.DoesNotExist.
    """
    key = LoginSession.objects.get(pk=login_session_id, user=user).session_key
    _sessions_delete(user=user, keys=[key])
    _sessions_ended_after_commit(user_id=user.pk, keys=[key], all_sessions=False)


@transaction.atomic
def login_sessions_end_others(*, user, keep_session_key: str | None) -> int:
    """In "Meine Daten": end every session of the person except the one in use."""
    keys = list(
        LoginSession.objects.filter(user=user)
        .exclude(session_key=keep_session_key or "")
        .values_list("session_key", flat=True)
    )
    _sessions_delete(user=user, keys=keys)
    _sessions_ended_after_commit(user_id=user.pk, keys=keys, all_sessions=False)
    return len(keys)


def login_session_remember(*, user, session_key: str | None) -> None:
    """Called on login: index the new session and drop entries whose session has expired."""
    if not session_key:
        return
    LoginSession.objects.update_or_create(session_key=session_key, defaults={"user": user})
    live = Session.objects.filter(
        session_key__in=LoginSession.objects.filter(user=user).values("session_key")
    ).values("session_key")
    LoginSession.objects.filter(user=user).exclude(session_key__in=live).exclude(
        session_key=session_key
    ).delete()


def login_session_forget(*, session_key: str | None, user=None) -> None:
    """Called on logout (Django deletes the session itself): drop the index entry and close
    the sockets opened with this session."""
    if not session_key:
        return
    LoginSession.objects.filter(session_key=session_key).delete()
    if user is not None:
        _sessions_ended_after_commit(user_id=user.pk, keys=[session_key], all_sessions=False)


@transaction.atomic
def office_role_grant(*, person: Person, amt: OrgUnit, role: str, actor) -> OfficeRole:
    """Make a person Digital Mover, Redaktion or HR clerk of an Amt: central HR, never for
    themselves (four-eyes)."""
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_use_hr_admin(actor))
        _raise_errors(permissions.office_role_errors(actor, person=person, amt=amt))
    office_role = OfficeRole(person=person, amt=amt, role=role)
    office_role.full_clean()
    office_role.save()
    person_groups_sync(person=person)
    _audit(
        actor=actor,
        action="directory.officerole.create",
        target=office_role,
        summary=str(office_role),
        changes={"role": role, "amt": str(amt)},
    )
    return office_role


@transaction.atomic
def office_role_revoke(*, person: Person, amt: OrgUnit, role: str, actor) -> None:
    if not _is_system(actor):
        _refuse_unless(permissions.user_may_use_hr_admin(actor))
        _raise_errors(permissions.office_role_errors(actor, person=person, amt=amt))
    deleted, _rows = OfficeRole.objects.filter(person=person, amt=amt, role=role).delete()
    person_groups_sync(person=person)
    if deleted:
        _audit(
            actor=actor,
            action="directory.officerole.delete",
            target=None,
            summary=f"{person.full_name}: {role} ({amt})",
            changes={"role": role, "amt": str(amt)},
        )


def _office_group_ids(*, amt_ids: set[int]) -> dict[tuple[int, str], int]:
    rows = OfficeGroup.objects.filter(amt_id__in=amt_ids).values_list("amt_id", "kind", "group_id")
    ids = {(amt_id, kind): group_id for amt_id, kind, group_id in rows}
    incomplete = {
        amt_id
        for amt_id in amt_ids
        if any((amt_id, kind) not in ids for kind in OfficeGroup.Kind.values)
    }
    for amt in OrgUnit.objects.filter(pk__in=incomplete):
        for kind, group in amt_groups_ensure(amt=amt).items():
            ids[(amt.pk, kind)] = group.pk
    return ids


@transaction.atomic
def person_groups_sync(*, person: Person) -> None:
    """Make the user's office groups match the directory; leave all other groups alone."""
    user = person.user
    if user is None:
        return
    wanted: set[int] = set()
    if person.is_active:
        member_of = {amt.pk for amt in selectors.amt_list_for_person(person=person)}
        roles = list(person.office_roles.values_list("amt_id", "role"))
        ids = _office_group_ids(amt_ids=member_of | {amt_id for amt_id, _role in roles})
        wanted |= {ids[(amt_id, OfficeGroup.Kind.MEMBERS)] for amt_id in member_of}
        wanted |= {ids[(amt_id, ROLE_GROUP_KIND[role])] for amt_id, role in roles}
    managed = set(user.groups.filter(office_group__isnull=False).values_list("pk", flat=True))
    with office_groups_writable():
        if managed - wanted:
            user.groups.remove(*(managed - wanted))
        if wanted - managed:
            user.groups.add(*(wanted - managed))
