"""The only place that decides who may do what in the directory, scoped per Amt.

Views, services and other apps ask these functions; nobody calls `has_perm` directly.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import get_objects_for_user

from directory.models import VOLUNTARY_FIELDS, OrgUnit, Person, Visibility
from directory.tree import amt_list_for_user, units_below_q


def amter_of_user(user) -> QuerySet[OrgUnit]:
    """Which Ämter does this user belong to (as a member, through the directory)?"""
    return amt_list_for_user(user=user)


def user_may_manage_staff(user, unit: OrgUnit) -> bool:
    """May the user edit the staff data of this unit? Central HR everywhere, an Amt's HR
    clerks only within their Amt. The superuser flag alone grants nothing here: IT operations
    administers the system, HR keeps the directory (docs/directory.md, "Who may write what")."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user_is_central_hr(user):
        return True
    amt = unit.amt
    return amt is not None and amt.pk in _managed_amt_ids(user)


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
    """Central HR holds `directory.manage_staff` through its own rows or a group's: the
    permission itself, not the superuser flag (which would answer yes to everything)."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_directory_central_hr", None)
    if cached is None:
        cached = Permission.objects.filter(
            Q(user=user) | Q(group__user=user),
            content_type__app_label="directory",
            codename="manage_staff",
        ).exists()
        user._directory_central_hr = cached
    return cached


def _managed_amt_ids(user) -> frozenset[int]:
    """The Ämter whose Personalsachbearbeitung the user is in (guardian rows, never the
    superuser flag), cached on the user object for the request."""
    cached = getattr(user, "_directory_managed_amt_ids", None)
    if cached is None:
        cached = frozenset(
            get_objects_for_user(
                user,
                "directory.manage_staff",
                klass=OrgUnit,
                accept_global_perms=False,
                with_superuser=False,
            )
            .filter(kind=OrgUnit.Kind.AMT)
            .values_list("pk", flat=True)
        )
        user._directory_managed_amt_ids = cached
    return cached


def amter_managed_by(user) -> QuerySet[OrgUnit]:
    """The Ämter whose staff data the user maintains (all of them for central HR)."""
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if user_is_central_hr(user):
        return OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT)
    return OrgUnit.objects.filter(pk__in=_managed_amt_ids(user))


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


# --- What places a person, and who may change it (issue #11: HR scope, four-eyes) --------

OWN_PLACEMENT_MESSAGE = gettext_lazy(
    "Ihre eigene Zuordnung (Einheit, weitere Einheiten, Rollen) ändert eine andere Person "
    "der Personalverwaltung (Vier-Augen-Prinzip)."
)


def _is_own(user, person: Person | None) -> bool:
    return bool(person is not None and person.user_id is not None and person.user_id == user.pk)


def person_placement_errors(
    user,
    *,
    person: Person | None,
    unit: OrgUnit | None,
    further_units=None,
) -> dict[str, str]:
    """Field errors for placing `person` (None: a new person) in `unit` and `further_units`.

    Every unit a write adds or takes away must lie in the actor's Ämter; a further unit
    outside them that the person already has (set by central HR) stays untouched. Nobody
    changes their own placement. An empty result means the write is allowed.
    """
    errors: dict[str, str] = {}
    old_unit_id = person.unit_id if person is not None and person.pk else None
    old_further = (
        set(person.further_units.values_list("pk", flat=True))
        if person is not None and person.pk
        else set()
    )
    new_further = old_further if further_units is None else {u.pk for u in further_units}
    unit_changed = unit is not None and unit.pk != old_unit_id
    further_changed = new_further != old_further
    if _is_own(user, person) and (unit_changed or further_changed):
        errors["unit" if unit_changed else "further_units"] = OWN_PLACEMENT_MESSAGE
        return errors
    if person is not None and person.pk and not user_may_manage_staff(user, person.unit):
        errors["unit"] = _("Diese Person gehört nicht zu den Ämtern, die Sie pflegen.")
        return errors
    if unit_changed and not user_may_manage_staff(user, unit):
        errors["unit"] = _(
            "Sie pflegen nur Personen in Ihrem eigenen Amt; %(unit)s gehört nicht dazu."
        ) % {"unit": unit}
    if further_changed:
        changed = OrgUnit.objects.filter(pk__in=new_further ^ old_further).select_related(
            "parent__parent"
        )
        outside = [str(u) for u in changed if not user_may_manage_staff(user, u)]
        if outside:
            errors["further_units"] = _(
                "Weitere Einheiten außerhalb Ihrer Ämter können Sie nicht hinzufügen oder "
                "entfernen: %(units)s."
            ) % {"units": ", ".join(sorted(outside))}
    return errors


def office_role_errors(user, *, person: Person, amt: OrgUnit) -> dict[str, str]:
    """Roles in an Amt are permissions: central HR grants and revokes them, never their own."""
    if _is_own(user, person):
        return {"person": OWN_PLACEMENT_MESSAGE}
    if not user_is_central_hr(user):
        return {"amt": _("Rollen im Amt vergibt die zentrale Personalverwaltung.")}
    return {}


def unit_edit_errors(
    user, *, unit: OrgUnit | None, kind: str, parent: OrgUnit | None
) -> dict[str, str]:
    """Central HR creates and changes every unit; an Amt's clerks only the Abteilungen and
    Sachgebiete below their own Amt, and never an Amt itself."""
    if user_is_central_hr(user):
        return {}
    if kind in (OrgUnit.Kind.REFERAT, OrgUnit.Kind.AMT) or (
        unit is not None and unit.pk and unit.kind in (OrgUnit.Kind.REFERAT, OrgUnit.Kind.AMT)
    ):
        return {"kind": _("Referate und Ämter legt die zentrale Personalverwaltung an.")}
    managed = units_managed_by(user)
    if unit is not None and unit.pk and not managed.filter(pk=unit.pk).exists():
        return {"parent": _("Sie pflegen nur Einheiten in Ihrem eigenen Amt.")}
    if parent is None or not user_may_manage_staff(user, parent):
        return {"parent": _("Sie pflegen nur Einheiten in Ihrem eigenen Amt.")}
    return {}


def user_may_offboard(user, person: Person) -> bool:
    """HR offboards people of their Ämter; nobody offboards themselves."""
    return not _is_own(user, person) and user_may_manage_staff(user, person.unit)
