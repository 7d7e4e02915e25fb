"""The only place that decides who may do what in the directory, scoped per Amt.

Views, services and other apps ask these functions; nobody calls `has_perm` directly.
"""

from django.db.models import QuerySet

from directory import selectors
from directory.models import OfficeGroup, OrgUnit


def amter_of_user(user) -> QuerySet[OrgUnit]:
    """Which Ämter does this user belong to (as a member, through the directory)?"""
    return selectors.amt_list_for_user(user=user)


def user_belongs_to_amt(user, amt: OrgUnit) -> bool:
    return amter_of_user(user).filter(pk=amt.pk).exists()


def user_has_office_role(user, unit: OrgUnit, kind: str) -> bool:
    """Is the user in the office group `kind` of the Amt that `unit` belongs to?"""
    amt = unit.amt
    if amt is None or not user.is_authenticated:
        return False
    return user.groups.filter(office_group__amt=amt, office_group__kind=kind).exists()


def user_may_manage_staff(user, unit: OrgUnit) -> bool:
    """May the user edit the staff data of this unit? Central HR everywhere, an Amt's HR
    clerks only within their Amt."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("directory.manage_staff"):
        return True
    amt = unit.amt
    return amt is not None and user.has_perm("directory.manage_staff", amt)


def user_is_digital_mover(user, unit: OrgUnit) -> bool:
    return user_has_office_role(user, unit, OfficeGroup.Kind.DIGITAL_MOVERS)


def user_may(user, action: str, unit: OrgUnit) -> bool:
    """Answer "may this user do X on this unit?" for the actions the portal knows."""
    checks = {
        "view": lambda: user.is_authenticated and user.is_active,
        "manage_staff": lambda: user_may_manage_staff(user, unit),
        "publish": lambda: user_has_office_role(user, unit, OfficeGroup.Kind.DIGITAL_MOVERS),
        "approve": lambda: user_has_office_role(user, unit, OfficeGroup.Kind.REDAKTION),
        "moderate": lambda: user_has_office_role(user, unit, OfficeGroup.Kind.DIGITAL_MOVERS),
    }
    if action not in checks:
        raise ValueError(f"Unknown directory action: {action}")
    return bool(checks[action]())
