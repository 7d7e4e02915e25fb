"""Audit of permission and group changes made in the Wagtail admin (P9).

Group memberships, model permissions and object permissions change in many places:
Wagtail's user and group editing, its bulk actions, guardian's `assign_perm`. The receivers
here record every such change made during an admin request, with the person at the
keyboard as actor. Changes outside the admin are either consequences that their own
service audits (the HR import, the directory's group sync) or ordinary use of the portal
(e.g. someone creating a chat room gets a permission on it) – recording those would turn
the audit log into an activity record (P1), so they are left out on purpose.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from intranet.services import audit_record

ADMIN_PATH_PREFIX = "/admin/"

_admin_actor: ContextVar = ContextVar("portal_admin_actor", default=None)


def current_admin_actor():
    """The person making the current admin request, or None outside the admin."""
    return _admin_actor.get()


class AdminActorMiddleware:
    """Remembers who is acting in the Wagtail admin, for the receivers below."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith(ADMIN_PATH_PREFIX) or user is None:
            return self.get_response(request)
        token = _admin_actor.set(user if user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _admin_actor.reset(token)


def _label(obj) -> str:
    if isinstance(obj, Permission):
        return f"{obj.content_type.app_label}.{obj.codename}"
    return str(obj)


def _membership_changed(*, instance, action, reverse, model, pk_set, field: str, verb: str):
    """One entry per changed object, named from the forward side (user → groups)."""
    actor = current_admin_actor()
    if actor is None or action not in {"post_add", "post_remove", "pre_clear"}:
        return
    accessor = getattr(instance, model._meta.model_name + "_set", None) if reverse else None
    if action == "pre_clear":
        related = accessor if reverse else getattr(instance, field)
        pk_set = set(related.values_list("pk", flat=True))
    if not pk_set:
        return
    change = "removed" if action in {"post_remove", "pre_clear"} else "added"
    others = model.objects.filter(pk__in=pk_set)
    if model is Permission:
        others = others.select_related("content_type")
    if reverse:
        for target in others:
            audit_record(
                actor=actor,
                action=verb,
                target=target,
                summary=f"{field}: {change} {_label(instance)}"[:300],
                changes={field: {change: [_label(instance)]}},
            )
        return
    names = sorted(_label(other) for other in others)
    audit_record(
        actor=actor,
        action=verb,
        target=instance,
        summary=f"{field}: {change} {', '.join(names)}"[:300],
        changes={field: {change: names}},
    )


@receiver(m2m_changed, sender=get_user_model().groups.through)
def audit_user_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    _membership_changed(
        instance=instance,
        action=action,
        reverse=reverse,
        model=model,
        pk_set=pk_set,
        field="groups",
        verb="user.groups",
    )


@receiver(m2m_changed, sender=get_user_model().user_permissions.through)
def audit_user_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    _membership_changed(
        instance=instance,
        action=action,
        reverse=reverse,
        model=model,
        pk_set=pk_set,
        field="user_permissions",
        verb="user.permissions",
    )


@receiver(m2m_changed, sender=Group.permissions.through)
def audit_group_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    _membership_changed(
        instance=instance,
        action=action,
        reverse=reverse,
        model=model,
        pk_set=pk_set,
        field="permissions",
        verb="group.permissions",
    )


def _object_permission_changed(instance, *, granted: bool):
    actor = current_admin_actor()
    if actor is None:
        return
    holder = getattr(instance, "user", None) or getattr(instance, "group", None)
    permission = instance.permission
    codename = f"{permission.content_type.app_label}.{permission.codename}"
    if isinstance(instance, UserObjectPermission | GroupObjectPermission):
        obj = (
            f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_pk}"
        )
    elif isinstance(instance, GroupPagePermission):
        obj = f"wagtailcore.page:{instance.page_id}"
    else:
        obj = f"wagtailcore.collection:{instance.collection_id}"
    change = "granted" if granted else "revoked"
    audit_record(
        actor=actor,
        action=f"permission.{'grant' if granted else 'revoke'}",
        target=holder,
        summary=f"{codename} {change} ({obj})",
        changes={"permission": codename, "object": obj, change: True},
    )


OBJECT_PERMISSION_MODELS = [
    UserObjectPermission,
    GroupObjectPermission,
    GroupPagePermission,
    GroupCollectionPermission,
]

for _model in OBJECT_PERMISSION_MODELS:
    post_save.connect(
        lambda sender, instance, created, **kw: (
            created and _object_permission_changed(instance, granted=True)
        ),
        sender=_model,
        weak=False,
        dispatch_uid=f"audit_grant_{_model._meta.label}",
    )
    post_delete.connect(
        lambda sender, instance, **kw: _object_permission_changed(instance, granted=False),
        sender=_model,
        weak=False,
        dispatch_uid=f"audit_revoke_{_model._meta.label}",
    )
