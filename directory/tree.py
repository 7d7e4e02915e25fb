"""Filters over the organisational tree and the office groups that mirror it.

The building blocks that selectors, services and permissions share; it sits below all
three, so directory/permissions.py needs no selectors.
"""

from django.db.models import Q, QuerySet

from directory.models import OfficeGroup, OrgUnit


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


def amt_list_for_user(*, user) -> QuerySet[OrgUnit]:
    """The Ämter whose member group the user is in; the groups mirror the directory."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.AMT,
        office_groups__kind=OfficeGroup.Kind.MEMBERS,
        office_groups__group__user=user,
    ).distinct()
