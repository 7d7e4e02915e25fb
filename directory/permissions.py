"""The only place that decides who may do what in the directory, scoped per Amt.

Views, services and other apps ask these functions; nobody calls `has_perm` directly.
"""

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from directory.models import VOLUNTARY_FIELDS, OrgUnit, Person, Visibility
from directory.tree import amt_list_for_user, units_below_q


def amter_of_user(user) -> QuerySet[OrgUnit]:
    """Which Ämter does this user belong to (as a member, through the directory)?"""
    return amt_list_for_user(user=user)


def user_may_manage_staff(user, unit: OrgUnit) -> bool:
    """May the user edit the staff data of this unit? Central HR everywhere, an Amt's HR
    clerks only within their Amt."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("directory.manage_staff"):
        return True
    amt = unit.amt
    return amt is not None and user.has_perm("directory.manage_staff", amt)


# --- Visibility of people (P6): THE rule, used by search, profile, vCard and JSON ---------


def viewer_amt_ids(user) -> set[int]:
    """The Ämter a viewer belongs to, computed once per request and passed along."""
    if not user.is_authenticated:
        return set()
    return set(amter_of_user(user).values_list("pk", flat=True))


def person_amt_ids(person: Person) -> set[int]:
    """The Ämter a person belongs to. Callers prefetch `unit__parent__parent` and
    `further_units` (with their parents) to keep this free of queries in lists."""
    amt_ids = set()
    for unit in [person.unit, *person.further_units.all()]:
        amt = unit.amt
        if amt is not None:
            amt_ids.add(amt.pk)
    return amt_ids


def person_is_listed_for(user, person: Person) -> bool:
    """May the user see this person at all? Leavers vanish at once, for everyone."""
    return bool(user.is_authenticated and user.is_active and person.is_active)


def voluntary_fields_visible(user, person: Person, *, amt_ids: set[int] | None = None) -> set[str]:
    """Which voluntary fields of `person` the user sees: the person's own choice per field.

    "nur ich" shows the field to the person alone (not to HR, not to admins), "eigenes Amt"
    to people who share an Amt with them, "alle Mitarbeitenden" to every employee.
    """
    if not person_is_listed_for(user, person):
        return set()
    if person.user_id is not None and person.user_id == user.pk:
        return set(VOLUNTARY_FIELDS)
    same_amt = None
    visible = set()
    for field in VOLUNTARY_FIELDS:
        setting = getattr(person, f"{field}_visibility")
        if setting == Visibility.ALL:
            visible.add(field)
        elif setting == Visibility.AMT:
            if same_amt is None:
                viewer_amter = viewer_amt_ids(user) if amt_ids is None else amt_ids
                same_amt = bool(person_amt_ids(person) & viewer_amter)
            if same_amt:
                visible.add(field)
    return visible


def user_may_edit_profile(user, person: Person) -> bool:
    """Voluntary data is edited by the person alone; HR maintains the official data."""
    return bool(
        user.is_authenticated and user.is_active and person.user_id == user.pk and person.is_active
    )


# --- HR scope ---------------------------------------------------------------------------


def user_is_central_hr(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("directory.manage_staff")
    )


def amter_managed_by(user) -> QuerySet[OrgUnit]:
    """The Ämter whose staff data the user maintains (all of them for central HR)."""
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if user_is_central_hr(user):
        return OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT)
    return get_objects_for_user(
        user, "directory.manage_staff", klass=OrgUnit, accept_global_perms=False
    ).filter(kind=OrgUnit.Kind.AMT)


def user_may_use_hr_admin(user) -> bool:
    return user_is_central_hr(user) or amter_managed_by(user).exists()


def people_managed_by(user) -> QuerySet[Person]:
    if user_is_central_hr(user):
        return Person.objects.all()
    scope = Q(pk__in=[])
    for amt in amter_managed_by(user):
        scope |= units_below_q(unit=amt, prefix="unit")
    return Person.objects.filter(scope)


def units_managed_by(user) -> QuerySet[OrgUnit]:
    """Central HR: every unit. An Amt's clerks: the Abteilungen and Sachgebiete below it."""
    if user_is_central_hr(user):
        return OrgUnit.objects.all()
    scope = Q(pk__in=[])
    for amt in amter_managed_by(user):
        scope |= Q(parent=amt) | Q(parent__parent=amt)
    return OrgUnit.objects.filter(scope)


def user_may_restructure(user) -> bool:
    """Moving and merging units changes several Ämter at once: central HR only."""
    return user_is_central_hr(user)


def user_may_import_staff(user) -> bool:
    """The HR system's export covers the whole city: central HR only."""
    return user_is_central_hr(user)
