"""Wagtail's user administration without "last login" (P1): no column, no filter, no sort."""

from django.utils.functional import cached_property
from wagtail.users.views.users import IndexView, UserFilterSet, UserViewSet


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
