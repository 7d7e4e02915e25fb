"""Reads of the organisational tree and the people in it."""

from django.db.models import Q, QuerySet

from directory.models import OfficeGroup, OrgUnit, Person


def units_below_q(*, unit: OrgUnit, prefix: str) -> Q:
    """A filter for `<prefix>` being `unit` itself or a unit below it.

    The tree is at most two levels deep below an Amt, so three joins answer it without
    storing a derived `amt` column that could drift.
    """
    return (
        Q(**{prefix: unit})
        | Q(**{f"{prefix}__parent": unit})
        | Q(**{f"{prefix}__parent__parent": unit})
    )


def person_list_for_amt(*, amt: OrgUnit) -> QuerySet[Person]:
    primary = units_below_q(unit=amt, prefix="unit")
    further = units_below_q(unit=amt, prefix="further_units")
    return (
        Person.objects.filter(is_active=True)
        .filter(Q(pk__in=Person.objects.filter(primary)) | Q(pk__in=Person.objects.filter(further)))
        .select_related("unit", "user")
    )


def person_for_user(*, user) -> Person | None:
    if not user.is_authenticated:
        return None
    return (
        Person.objects.filter(user=user, is_active=True)
        .select_related("unit__parent__parent")
        .first()
    )


def amt_list_for_person(*, person: Person) -> list[OrgUnit]:
    """The Ämter a person belongs to: their primary unit's Amt and those of further units."""
    units = [person.unit, *person.further_units.select_related("parent__parent")]
    amter: dict[int, OrgUnit] = {}
    for unit in units:
        amt = unit.amt
        if amt is not None:
            amter[amt.pk] = amt
    return list(amter.values())


def amt_list_for_user(*, user) -> QuerySet[OrgUnit]:
    """The Ämter whose member group the user is in; the groups mirror the directory."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.AMT,
        office_groups__kind=OfficeGroup.Kind.MEMBERS,
        office_groups__group__user=user,
    ).distinct()
