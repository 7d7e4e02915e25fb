"""The staff directory in the Wagtail admin, for HR."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory import services
from directory.models import OfficeRole, OrgUnit, Person


class OrgUnitViewSet(SnippetViewSet):
    model = OrgUnit
    icon = "site"
    menu_label = _("Organisationseinheiten")
    list_display = ["number", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["number", "name"]
    ordering = ["number"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("Personen")
    list_display = ["last_name", "first_name", "unit", "function", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["last_name", "first_name", "function", "personnel_number"]
    ordering = ["last_name", "first_name"]


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


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def directory_groups_follow_admin_edits(request, instance):
    """Edits made in the admin keep the office groups in sync like the services do."""
    if isinstance(instance, Person):
        services.person_groups_sync(person=instance)
    elif isinstance(instance, OrgUnit):
        if instance.kind == OrgUnit.Kind.AMT:
            services.amt_groups_ensure(amt=instance)
        services.org_unit_members_groups_sync(unit=instance)
    elif isinstance(instance, OfficeRole):
        services.person_groups_sync(person=instance.person)


@hooks.register("after_delete_snippet")
def directory_groups_follow_admin_deletes(request, instances):
    for instance in instances:
        if isinstance(instance, OfficeRole):
            services.person_groups_sync(person=instance.person)
