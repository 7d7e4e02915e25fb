"""The one gate into an Amt's groups: memberships change only through the directory.

The office groups (an Amt's Mitarbeitende, Digital Movers, Redaktion and
Personalsachbearbeitung) carry the Amt's chat rooms, restricted pages and HR scope. They
follow the directory: a person's unit, further units and roles. The directory's services
write them inside `office_groups_writable()`; every other write – the Wagtail user editor,
its "Rolle zuweisen" bulk action, the group editor, a shell, a third-party app – reaches
the receivers below, which refuse it. The admin forms show these groups read-only so that
nobody meets the refusal in normal use (intranet/admin_users.py).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

MANAGED_BY_DIRECTORY = _("wird aus dem Personenverzeichnis gepflegt")

_writable: ContextVar[bool] = ContextVar("directory_office_groups_writable", default=False)


class OfficeGroupManagedByDirectory(PermissionDenied):
    """An attempt to change an office group outside the directory's services."""


@contextmanager
def office_groups_writable():
    """Let the directory's own services change office-group memberships."""
    token = _writable.set(True)
    try:
        yield
    finally:
        _writable.reset(token)


def _refuse():
    raise OfficeGroupManagedByDirectory(
        _("Die Mitgliedschaft in Amtsgruppen %(reason)s.") % {"reason": MANAGED_BY_DIRECTORY}
    )


def membership_guard(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed on User.groups: refuse adding to or removing from an office group."""
    if action not in ("pre_add", "pre_remove", "pre_clear") or _writable.get():
        return
    from directory.models import OfficeGroup

    if reverse:  # group.user_set.add(...): `instance` is the group
        touched = OfficeGroup.objects.filter(group=instance).exists() and (
            action == "pre_clear" or bool(pk_set)
        )
    elif action == "pre_clear":  # user.groups.clear()
        touched = instance.groups.filter(office_group__isnull=False).exists()
    else:
        touched = bool(pk_set) and OfficeGroup.objects.filter(group_id__in=pk_set).exists()
    if touched:
        _refuse()


def group_delete_guard(sender, instance, **kwargs):
    """pre_delete on Group: an office group goes only with its Amt (merge, restructuring)."""
    if _writable.get():
        return
    from directory.models import OfficeGroup

    if OfficeGroup.objects.filter(group=instance).exists():
        _refuse()


def office_group_ids() -> set[int]:
    from directory.models import OfficeGroup

    return set(OfficeGroup.objects.values_list("group_id", flat=True))
