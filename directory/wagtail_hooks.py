"""The staff directory in the Wagtail admin, for HR: people, units, roles, import, restructuring.

Who may see and edit what is decided by directory/permissions.py (central HR everywhere, an
Amt's Personalsachbearbeitung only in their Amt) through one permission policy per model.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from directory import hr_import, permissions, services, tree
from directory.admin_forms import (
    OrgUnitAdminForm,
    PersonAdminForm,
    StaffImportForm,
    UnitMergeForm,
    UnitMoveForm,
)
from directory.models import OfficeRole, OrgUnit, Person
from intranet.services import audit_record


class ScopedPolicy(ModelPermissionPolicy):
    """Answers Wagtail's permission questions from directory/permissions.py."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False  # leavers are deactivated, never deleted (privacy register)
        if action in ("add", "change", "view"):
            return permissions.user_may_use_hr_admin(user)
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scoped_queryset(user)


class PersonPolicy(ScopedPolicy):
    def scoped_queryset(self, user):
        return permissions.people_managed_by(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and permissions.user_may_manage_staff(
            user, instance.unit
        )


class OrgUnitPolicy(ScopedPolicy):
    def scoped_queryset(self, user):
        return permissions.units_managed_by(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and permissions.units_managed_by(user).filter(pk=instance.pk).exists()
        )


class OfficeRolePolicy(ScopedPolicy):
    """Roles are permissions: central HR grants them."""

    def user_has_permission(self, user, action):
        return permissions.user_is_central_hr(user) and action in (
            "add",
            "change",
            "view",
            "delete",
        )

    def scoped_queryset(self, user):
        return OfficeRole.objects.all()


register_permission_policy(Person, PersonPolicy(Person))
register_permission_policy(OrgUnit, OrgUnitPolicy(OrgUnit))
register_permission_policy(OfficeRole, OfficeRolePolicy(OfficeRole))


class ScopedEditView(EditView):
    """The edit view refuses objects outside the user's scope, not only the list."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            raise PermissionDenied
        return instance


class ScopedViewSetMixin:
    edit_view_class = ScopedEditView

    def get_queryset(self, request):
        return self.permission_policy.scoped_queryset(request.user)


class PersonViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("Personen")
    list_display = ["last_name", "first_name", "unit", "function", "phone", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["last_name", "first_name", "function", "personnel_number", "email"]
    ordering = ["last_name", "first_name"]
    list_per_page = 50
    # Official data only: voluntary fields belong to the person (P6), "aktiv" goes through
    # offboarding (person_deactivate), the account link through the import or IT.
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("personnel_number"), FieldPanel("first_name"), FieldPanel("last_name")],
                heading=_("Person"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("unit"),
                    FieldPanel("further_units"),
                    FieldPanel("function"),
                    FieldPanel("responsibilities"),
                ],
                heading=_("Organisation"),
            ),
            MultiFieldPanel(
                [FieldPanel("phone"), FieldPanel("email"), FieldPanel("room")],
                heading=_("Kontakt"),
            ),
            MultiFieldPanel(
                [FieldPanel("entry_date"), FieldPanel("exit_date"), FieldPanel("deputy")],
                heading=_("Beschäftigung und Vertretung"),
            ),
        ],
        base_form_class=PersonAdminForm,
    )


class OrgUnitViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = OrgUnit
    icon = "site"
    menu_label = _("Organisationseinheiten")
    list_display = ["number", "name", "kind", "parent", "leader"]
    list_filter = ["kind"]
    search_fields = ["number", "name", "also_known_as"]
    ordering = ["number"]
    edit_handler = ObjectList(
        [
            FieldPanel("kind"),
            FieldPanel("number"),
            FieldPanel("name"),
            FieldPanel("also_known_as"),
            FieldPanel("parent"),
            FieldPanel("leader"),
            MultiFieldPanel(
                [FieldPanel("phone"), FieldPanel("email"), FieldPanel("address")],
                heading=_("Kontakt"),
            ),
        ],
        base_form_class=OrgUnitAdminForm,
    )


class OfficeRoleViewSet(SnippetViewSet):
    model = OfficeRole
    icon = "group"
    menu_label = _("Rollen im Amt")
    list_display = ["person", "amt", "role"]
    list_filter = ["role"]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    items = (PersonViewSet, OrgUnitViewSet, OfficeRoleViewSet)
    menu_icon = "group"
    menu_label = _("Personenverzeichnis")
    menu_name = "personenverzeichnis"


register_snippet(DirectoryViewSetGroup)


# --- Audit and group sync for edits made in the admin (P9) -------------------------------

AUDITED_FIELDS = {
    Person: [
        "personnel_number",
        "first_name",
        "last_name",
        "unit",
        "function",
        "phone",
        "email",
        "room",
        "responsibilities",
        "entry_date",
        "exit_date",
        "deputy",
    ],
    OrgUnit: ["kind", "number", "name", "also_known_as", "parent", "leader", "phone", "email"],
    OfficeRole: ["person", "amt", "role"],
}


def _snapshot(instance) -> dict:
    fields = AUDITED_FIELDS[type(instance)]
    return {name: str(value) for name, value in model_to_dict(instance, fields=fields).items()}


@hooks.register("before_edit_snippet")
def directory_remember_before_edit(request, instance):
    if type(instance) in AUDITED_FIELDS and request.method == "POST":
        request._directory_before = _snapshot(type(instance).objects.get(pk=instance.pk))


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def directory_follow_admin_edits(request, instance):
    """Edits made in the admin keep groups and search in sync and are audited (P9)."""
    if type(instance) not in AUDITED_FIELDS:
        return
    if isinstance(instance, Person):
        services.person_groups_sync(person=instance)
        services.person_search_refresh(people=Person.objects.filter(pk=instance.pk))
    elif isinstance(instance, OrgUnit):
        if instance.kind == OrgUnit.Kind.AMT:
            services.amt_groups_ensure(amt=instance)
        services.org_unit_members_groups_sync(unit=instance)
        services.person_search_refresh(
            people=Person.objects.filter(tree.units_below_q(unit=instance, prefix="unit"))
        )
    elif isinstance(instance, OfficeRole):
        services.person_groups_sync(person=instance.person)
    before = getattr(request, "_directory_before", {})
    after = _snapshot(instance)
    diff = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    action = "edit" if before else "create"
    audit_record(
        actor=request.user,
        action=f"directory.{type(instance).__name__.lower()}.{action}",
        target=instance,
        summary=str(instance),
        changes={name: value for name, value in diff.items() if name not in ("personnel_number",)}
        if action == "edit"
        else {"fields": sorted(after)},
    )


@hooks.register("after_delete_snippet")
def directory_follow_admin_deletes(request, instances):
    for instance in instances:
        if isinstance(instance, OfficeRole):
            services.person_groups_sync(person=instance.person)
            audit_record(
                actor=request.user,
                action="directory.officerole.delete",
                target=None,
                summary=str(instance),
                changes={"role": instance.role, "amt": str(instance.amt)},
            )


# --- HR import and restructuring ----------------------------------------------------------


def staff_import_view(request):
    if not permissions.user_may_import_staff(request.user):
        raise PermissionDenied
    report, applied = None, False
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = hr_import.staff_import_run(
            data["file"].read(),
            actor=request.user,
            dry_run=data["dry_run"],
            deactivate_missing=data["deactivate_missing"],
        )
        applied = plan.applied
        report = {
            "lines": plan.summary_lines(dry_run=data["dry_run"]),
            "errors": bool(plan.errors),
        }
    return render(
        request,
        "directory/admin/staff_import.html",
        {"form": form, "report": report, "applied": applied},
    )


def restructure_view(request):
    if not permissions.user_may_restructure(request.user):
        raise PermissionDenied
    move_form = UnitMoveForm(
        request.POST if request.POST.get("action") == "move" else None, prefix="move"
    )
    merge_form = UnitMergeForm(
        request.POST if request.POST.get("action") == "merge" else None, prefix="merge"
    )
    form = move_form if request.POST.get("action") == "move" else merge_form
    if request.method == "POST" and form.is_valid():
        try:
            if form is move_form:
                services.org_unit_move(
                    unit=form.cleaned_data["unit"],
                    parent=form.cleaned_data["parent"],
                    actor=request.user,
                )
            else:
                services.org_unit_merge(
                    source=form.cleaned_data["source"],
                    target=form.cleaned_data["target"],
                    actor=request.user,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Organisationsstruktur wurde geändert."))
            return redirect("directory_restructure")
    return render(
        request,
        "directory/admin/restructure.html",
        {"move_form": move_form, "merge_form": merge_form},
    )


def person_offboard_view(request, pk: int):
    """Confirm, then offboard a leaver (P8) through `person_deactivate`."""
    person = get_object_or_404(Person.objects.select_related("unit", "user"), pk=pk)
    if not person.is_active or not permissions.user_may_manage_staff(request.user, person.unit):
        raise PermissionDenied
    if request.method == "POST":
        services.person_deactivate(person=person, actor=request.user)
        messages.success(
            request,
            _("%(name)s ist ausgeschieden: Profil ausgeblendet, Anmeldung beendet.")
            % {"name": person.full_name},
        )
        return redirect(reverse("wagtailsnippets_directory_person:list"))
    return render(request, "directory/admin/person_offboard.html", {"person": person})


@hooks.register("register_snippet_listing_buttons")
def directory_offboard_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, Person)
        and snippet.is_active
        and permissions.user_may_manage_staff(user, snippet.unit)
    ):
        yield Button(
            _("Ausscheiden"),
            reverse("directory_person_offboard", args=[snippet.pk]),
            icon_name="logout",
            priority=90,
        )


@hooks.register("register_admin_urls")
def directory_admin_urls():
    return [
        path("personalimport/", staff_import_view, name="directory_staff_import"),
        path(
            "personen/<int:pk>/ausscheiden/",
            person_offboard_view,
            name="directory_person_offboard",
        ),
        path("umstrukturieren/", restructure_view, name="directory_restructure"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


@hooks.register("register_admin_menu_item")
def directory_import_menu_item():
    return PermissionMenuItem(
        _("Personalimport"),
        reverse("directory_staff_import"),
        icon_name="upload",
        order=310,
        check=permissions.user_may_import_staff,
    )


@hooks.register("register_admin_menu_item")
def directory_restructure_menu_item():
    return PermissionMenuItem(
        _("Organisation umstrukturieren"),
        reverse("directory_restructure"),
        icon_name="site",
        order=320,
        check=permissions.user_may_restructure,
    )
