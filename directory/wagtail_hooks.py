"""The staff directory in the Wagtail admin, for HR: people, units, roles, import, restructuring.

Who may see and edit what is decided by directory/permissions.py (central HR everywhere, an
Amt's Personalsachbearbeitung only in their Amt) through one permission policy per model.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.auth import user_passes_test
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from directory import hr_import, permissions, services
from directory.admin_forms import StaffImportForm, UnitMergeForm, UnitMoveForm
from directory.models import OfficeRole, OrgUnit, Person


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


class ServiceWriteMixin:
    """Create and edit views that write through the directory's services.

    The services authorise the actor, refresh what follows (office groups, search) and
    audit (P9); Wagtail only shows the form. A refusal comes back as a ValidationError and
    is shown at its field, with nothing saved.
    """

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.write(form)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                target = field if field in form.fields else None
                for message in messages_:
                    form.add_error(target, message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        # Wagtail's after_create/after_edit_snippet hooks stay an extension point.
        return self.run_after_hook() or response

    def write(self, form):
        raise NotImplementedError

    @staticmethod
    def form_values(form, names) -> dict:
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


class ScopedEditView(EditView):
    """The edit view refuses objects outside the user's scope, not only the list."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            raise PermissionDenied
        return instance


class PersonCreateView(ServiceWriteMixin, CreateView):
    def write(self, form):
        fields = self.form_values(form, services.PERSON_FIELDS)
        return services.person_create(
            actor=self.request.user,
            further_units=list(form.cleaned_data.get("further_units") or []),
            **fields,
        )


class PersonEditView(ServiceWriteMixin, ScopedEditView):
    def write(self, form):
        fields = self.form_values(form, [*services.PERSON_FIELDS, "further_units"])
        if "further_units" in fields:
            fields["further_units"] = list(fields["further_units"])
        # A fresh row: the form has already copied its values onto self.object.
        person = Person.objects.get(pk=self.object.pk)
        return services.person_update(person=person, actor=self.request.user, **fields)


class OrgUnitCreateView(ServiceWriteMixin, CreateView):
    def write(self, form):
        return services.org_unit_create(
            actor=self.request.user, **self.form_values(form, services.UNIT_FIELDS)
        )


class OrgUnitEditView(ServiceWriteMixin, ScopedEditView):
    def write(self, form):
        unit = OrgUnit.objects.get(pk=self.object.pk)
        return services.org_unit_update(
            unit=unit, actor=self.request.user, **self.form_values(form, services.UNIT_FIELDS)
        )


class OfficeRoleCreateView(ServiceWriteMixin, CreateView):
    def write(self, form):
        data = form.cleaned_data
        return services.office_role_grant(
            person=data["person"], amt=data["amt"], role=data["role"], actor=self.request.user
        )


class OfficeRoleEditView(ServiceWriteMixin, ScopedEditView):
    """Changing a role is taking the old one away and granting the new one, both audited."""

    def write(self, form):
        data = form.cleaned_data
        old = OfficeRole.objects.select_related("person", "amt").get(pk=self.object.pk)
        unchanged = (old.person_id, old.amt_id, old.role) == (
            data["person"].pk,
            data["amt"].pk,
            data["role"],
        )
        if unchanged:
            return old
        with transaction.atomic():
            services.office_role_revoke(
                person=old.person, amt=old.amt, role=old.role, actor=self.request.user
            )
            return services.office_role_grant(
                person=data["person"], amt=data["amt"], role=data["role"], actor=self.request.user
            )


class ScopedViewSetMixin:
    edit_view_class = ScopedEditView

    def get_queryset(self, request):
        return self.permission_policy.scoped_queryset(request.user)


class PersonViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Person
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
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
    )


class OrgUnitViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = OrgUnit
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
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
    )


class OfficeRoleViewSet(SnippetViewSet):
    model = OfficeRole
    add_view_class = OfficeRoleCreateView
    edit_view_class = OfficeRoleEditView
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


# --- Deleting a role goes through the service, too (P9) ---------------------------------


@hooks.register("before_delete_snippet")
def directory_revoke_roles_through_the_service(request, instances):
    """The snippet delete view and the bulk delete both run this hook before deleting; on
    POST the roles are revoked by `office_role_revoke` (authorised, audited, groups synced)
    and Wagtail's own delete never runs."""
    roles = [instance for instance in instances if isinstance(instance, OfficeRole)]
    if request.method != "POST" or not roles:
        return None
    try:
        with transaction.atomic():
            for role in roles:
                services.office_role_revoke(
                    person=role.person, amt=role.amt, role=role.role, actor=request.user
                )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d Rolle wurde entzogen.", "%(count)d Rollen wurden entzogen.", len(roles)
            )
            % {"count": len(roles)},
        )
    return redirect(reverse("wagtailsnippets_directory_officerole:list"))


# --- HR import and restructuring ----------------------------------------------------------


@user_passes_test(permissions.user_may_import_staff)
def staff_import_view(request):
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


@user_passes_test(permissions.user_may_restructure)
def restructure_view(request):
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


@user_passes_test(permissions.user_may_use_hr_admin)
def person_offboard_view(request, pk: int):
    """Confirm, then offboard a leaver (P8) through `person_deactivate`."""
    person = get_object_or_404(Person.objects.select_related("unit", "user"), pk=pk)
    if not person.is_active or not permissions.user_may_offboard(request.user, person):
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
        and permissions.user_may_offboard(user, snippet)
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
