"""Wagtail's user and group administration, fitted to the portal.

- No "last login" (P1): no column, no filter, no sort.
- The Amt groups follow the directory (directory/office_groups.py): the user editor shows
  them read-only with the reason, the "Rolle zuweisen" bulk action does not offer them,
  and the group editor neither renames nor deletes them.
- Nobody changes their own roles (four-eyes): an account's groups are edited by a second
  administrator.
"""

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import GroupForm, UserCreationForm, UserEditForm
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction, RoleForm
from wagtail.users.views.groups import DeleteView as GroupDeleteView
from wagtail.users.views.groups import GroupViewSet
from wagtail.users.views.users import IndexView, UserFilterSet, UserViewSet

from directory.office_groups import MANAGED_BY_DIRECTORY, office_group_ids

OWN_ROLES_FOUR_EYES = _(
    "Ihre eigenen Rollen ändert eine zweite Person mit Administrationsrechten (Vier-Augen-Prinzip)."
)


class OfficeGroupCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes for the groups; the Amt groups are shown, ticked as they are, and locked."""

    def __init__(self, *args, locked: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = set(locked)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pk = getattr(value, "value", value)
        if pk in self.locked:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label} ({MANAGED_BY_DIRECTORY})"
        return option


class OfficeGroupsReadOnlyMixin:
    """The `groups` field leaves the Amt groups as the directory set them."""

    def _init_groups(self, *, editing_self: bool):
        field = self.fields.get("groups")
        if field is None:
            return
        self._office_group_ids = office_group_ids()
        field.widget = OfficeGroupCheckboxes(locked=self._office_group_ids)
        field.widget.choices = field.choices
        field.help_text = _(
            "Die Amtsgruppen (Mitarbeitende, Digital Movers, Redaktion, Personal eines Amtes) "
            "folgen dem Personenverzeichnis und sind hier nicht änderbar."
        )
        if editing_self:
            field.disabled = True
            field.help_text = OWN_ROLES_FOUR_EYES

    def clean_groups(self):
        chosen = self.cleaned_data.get("groups") or Group.objects.none()
        kept = set(chosen.values_list("pk", flat=True)) - self._office_group_ids
        if self.instance.pk is not None:
            kept |= set(
                self.instance.groups.filter(office_group__isnull=False).values_list("pk", flat=True)
            )
        return Group.objects.filter(pk__in=kept)


class PortalUserCreationForm(OfficeGroupsReadOnlyMixin, UserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_groups(editing_self=False)


class PortalUserEditForm(OfficeGroupsReadOnlyMixin, UserEditForm):
    def __init__(self, *args, **kwargs):
        editing_self = kwargs.get("editing_self", False)
        super().__init__(*args, **kwargs)
        self._init_groups(editing_self=editing_self)


class PortalUserFilterSet(UserFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("last_login", None)


class PortalUserIndexView(IndexView):
    @cached_property
    def columns(self):
        return [column for column in super().columns if column.name != "last_login"]


class PortalUserViewSet(UserViewSet):
    index_view_class = PortalUserIndexView
    filterset_class = PortalUserFilterSet

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm


class PortalRoleForm(RoleForm):
    role = forms.ModelChoiceField(
        label=_("Rolle"), queryset=Group.objects.filter(office_group__isnull=True)
    )


class PortalAssignRoleBulkAction(AssignRoleBulkAction):
    """Wagtail's "Rolle zuweisen" without the Amt groups, and never for oneself."""

    form_class = PortalRoleForm

    def check_perm(self, obj):
        return super().check_perm(obj) and obj != self.request.user


class PortalGroupForm(GroupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and hasattr(self.instance, "office_group"):
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Der Name dieser Amtsgruppe %(reason)s.") % {
                "reason": MANAGED_BY_DIRECTORY
            }


class PortalGroupDeleteView(GroupDeleteView):
    def get_object(self, queryset=None):
        group = super().get_object(queryset)
        if hasattr(group, "office_group"):
            raise PermissionDenied
        return group


class PortalGroupViewSet(GroupViewSet):
    delete_view_class = PortalGroupDeleteView

    def get_form_class(self, for_update=False):
        return PortalGroupForm
