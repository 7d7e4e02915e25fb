"""The only place that decides who may use the site shell's administrative views."""


def user_may_view_audit_log(user) -> bool:
    """The audit log is for administrators (IT operations) only (P9)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def user_may_view_activity_reports(user) -> bool:
    """Wagtail's reports that list what each editor did (site history, workflows, locked
    and aging pages) could be used to evaluate people (P1): administrators only."""
    return user.is_authenticated and user.is_active and user.is_superuser


def user_may_switch_features(user) -> bool:
    """Co-determined features are switched by IT operations after the Personalrat agreed."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("intranet.change_featureswitch"))
    )
