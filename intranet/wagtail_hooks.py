"""The site shell in the Wagtail admin: audit log, feature switches, audited user edits, and
per-editor reports limited to administrators (P1, P9)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from intranet import permissions
from intranet.admin_users import PortalAssignRoleBulkAction
from intranet.admin_views import ACTIVITY_REPORTS, FeatureSwitchView
from intranet.models import AuditEntry
from intranet.services import audit_record


class AuditLogPermissionPolicy(BasePermissionPolicy):
    """Administrators may view the audit log; nobody may add, change or delete entries."""

    def user_has_permission(self, user, action):
        return action == "view" and permissions.user_may_view_audit_log(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        if "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "list-ul"
    menu_label = _("Protokoll der Verwaltungsaktionen")
    menu_name = "audit_log"
    add_to_settings_menu = True
    url_prefix = "protokoll"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "actor", "action", "target_type", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "summary", "target_type", "target_id"]
    ordering = ["-created_at"]
    form_fields = []  # there is no add or edit view anyone may open
    # Recording an action must stay one INSERT: no reference-index rows per entry.
    add_to_reference_index = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=AuditEntry.objects.select_related("actor"), **kwargs
        )


register_permission_policy(AuditEntry, AuditLogPermissionPolicy(AuditEntry))
audit_entry_viewset = AuditEntryViewSet("audit_log")


@hooks.register("register_admin_viewset")
def register_audit_log():
    return audit_entry_viewset


@hooks.register("register_admin_urls")
def register_feature_switch_url():
    return [
        path("funktionen/", FeatureSwitchView.as_view(), name="portal_feature_switches"),
    ]


class FeatureSwitchMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.user_may_switch_features(request.user)


@hooks.register("register_settings_menu_item")
def register_feature_switch_menu_item():
    return FeatureSwitchMenuItem(
        _("Mitbestimmte Funktionen"),
        reverse("portal_feature_switches"),
        icon_name="cogs",
        order=900,
    )


@hooks.register("construct_reports_menu")
def hide_activity_reports(request, menu_items):
    """Reports listing what individual editors did are for administrators only (P1)."""
    if permissions.user_may_view_activity_reports(request.user):
        return
    report_urls = {reverse(f"wagtailadmin_reports:{name}") for name in ACTIVITY_REPORTS}
    menu_items[:] = [item for item in menu_items if item.url not in report_urls]


# --- Audited account changes in Wagtail's user administration (P9) -----------------------

AUDITED_USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
]


def _user_snapshot(user) -> dict:
    return {name: getattr(user, name) for name in AUDITED_USER_FIELDS} | {"password": user.password}


@hooks.register("before_edit_user")
def remember_user_before_edit(request, user):
    request.portal_user_before_edit = _user_snapshot(user)


@hooks.register("after_edit_user")
def audit_user_edit(request, user):
    before = getattr(request, "portal_user_before_edit", None)
    if before is None:
        return
    after = _user_snapshot(user)
    changes = {
        name: [before[name], after[name]]
        for name in AUDITED_USER_FIELDS
        if before[name] != after[name]
    }
    if before["password"] != after["password"]:
        changes["password"] = "geändert"  # never the hash
    if changes:
        audit_record(
            actor=request.user,
            action="user.update",
            target=user,
            summary=f"Benutzerkonto {user.get_username()} geändert: {', '.join(changes)}",
            changes=changes,
        )


@hooks.register("after_create_user")
def audit_user_create(request, user):
    audit_record(
        actor=request.user,
        action="user.create",
        target=user,
        summary=f"Benutzerkonto {user.get_username()} angelegt",
        changes={name: getattr(user, name) for name in ("is_active", "is_staff", "is_superuser")},
    )


@hooks.register("before_delete_user")
def remember_user_before_delete(request, user):
    request.portal_user_deleted = (user.pk, user.get_username())


@hooks.register("after_delete_user")
def audit_user_delete(request, user):
    pk, username = getattr(request, "portal_user_deleted", (user.pk, user.get_username()))
    audit_record(
        actor=request.user,
        action="user.delete",
        summary=f"Benutzerkonto {username} gelöscht",
        changes={"user_id": pk},
    )


@hooks.register("after_bulk_action")
def audit_user_bulk_action(request, action_type, objects, action_class_instance):
    if action_type != "user":
        return
    audit_record(
        actor=request.user,
        action=f"user.bulk.{action_class_instance.action_type}",
        summary=f"Sammelaktion {action_class_instance.action_type}: {len(objects)} Konten",
        changes={"user_ids": [obj.pk for obj in objects], "count": len(objects)},
    )


# Registered after wagtail.users' own "assign_role" (higher order), so this one takes its
# place: it offers no Amt group and never the acting administrator (intranet/admin_users.py).
hooks.register("register_bulk_action", PortalAssignRoleBulkAction, order=100)
