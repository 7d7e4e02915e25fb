"""Writes to the organisational tree and the people in it, and the group sync they cause."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import assign_perm

from directory import selectors
from directory.models import ROLE_GROUP_KIND, OfficeGroup, OfficeRole, OrgUnit, Person

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
    # HR clerks of this Amt manage its staff data, and nothing outside it.
    assign_perm("directory.manage_staff", groups[OfficeGroup.Kind.PERSONAL], amt)
    from chat.services import amt_room_ensure  # the Amt's chat room follows its groups

    amt_room_ensure(amt=amt)
    return groups


@transaction.atomic
def org_unit_create(
    *, kind: str, name: str, number: str = "", parent: OrgUnit | None = None
) -> OrgUnit:
    unit = OrgUnit(kind=kind, name=name, number=number, parent=parent)
    unit.full_clean()
    unit.save()
    if unit.kind == OrgUnit.Kind.AMT:
        amt_groups_ensure(amt=unit)
    return unit


@transaction.atomic
def org_unit_update(*, unit: OrgUnit, **fields) -> OrgUnit:
    previous_amt = unit.amt
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    if unit.kind == OrgUnit.Kind.AMT:
        amt_groups_ensure(amt=unit)
    if "parent" in fields and unit.amt != previous_amt:
        org_unit_members_groups_sync(unit=unit)
    return unit


@transaction.atomic
def org_unit_members_groups_sync(*, unit: OrgUnit) -> None:
    """People in and below a unit follow it when it moves to another Amt."""
    below = selectors.units_below_q(unit=unit, prefix="unit") | selectors.units_below_q(
        unit=unit, prefix="further_units"
    )
    for person in Person.objects.filter(below).distinct().select_related("user"):
        person_groups_sync(person=person)


@transaction.atomic
def person_create(
    *,
    personnel_number: str,
    first_name: str,
    last_name: str,
    unit: OrgUnit,
    function: str = "",
    phone: str = "",
    email: str = "",
    room: str = "",
    user=None,
) -> Person:
    person = Person(
        personnel_number=personnel_number,
        first_name=first_name,
        last_name=last_name,
        unit=unit,
        function=function,
        phone=phone,
        email=email,
        room=room,
        user=user,
    )
    person.full_clean()
    person.save()
    person_groups_sync(person=person)
    return person


@transaction.atomic
def person_update(*, person: Person, **fields) -> Person:
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    person_groups_sync(person=person)
    return person


@transaction.atomic
def office_role_grant(*, person: Person, amt: OrgUnit, role: str) -> OfficeRole:
    office_role = OfficeRole(person=person, amt=amt, role=role)
    office_role.full_clean()
    office_role.save()
    person_groups_sync(person=person)
    return office_role


@transaction.atomic
def office_role_revoke(*, person: Person, amt: OrgUnit, role: str) -> None:
    OfficeRole.objects.filter(person=person, amt=amt, role=role).delete()
    person_groups_sync(person=person)


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
    if managed - wanted:
        user.groups.remove(*(managed - wanted))
    if wanted - managed:
        user.groups.add(*(wanted - managed))
