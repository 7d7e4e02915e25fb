"""The knowledge section in the Wagtail admin: the report "Zu prüfende Seiten", the action
"Als geprüft markieren", and the hooks that keep restricted pages and files to their Amt
(the serve checks, the explorer, the choosers and the page bulk actions)."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)

from wiki import permissions, views


@hooks.register("register_admin_urls")
def register_wiki_admin_urls():
    return [
        path("wissen/zu-pruefen/", views.review_report, name="wiki_review_report"),
        path(
            "wissen/geprueft/<int:page_id>/",
            views.page_mark_reviewed,
            name="wiki_page_mark_reviewed",
        ),
    ]


class ReviewReportMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.user_may_see_review_report(request.user)


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return ReviewReportMenuItem(
        _("Zu prüfende Seiten"), reverse("wiki_review_report"), icon_name="date", order=50
    )


@hooks.register("construct_page_chooser_queryset")
def hide_restricted_pages_in_the_chooser(pages, request):
    """The page chooser lists the whole tree; restricted titles stay hidden there too."""
    return pages.exclude(permissions.hidden_q(request.user))


@hooks.register("construct_explorer_page_queryset")
def hide_restricted_pages_in_the_explorer(parent_page, pages, request):
    """The explorer lists the children of any page below the editor's explorable root;
    a page the editor may not explore (another Amt's, or a restricted one) is refused
    as a whole, so its title and slug don't show in the header either."""
    if parent_page is not None and not permissions.user_may_explore_page(request.user, parent_page):
        raise PermissionDenied
    return pages.exclude(permissions.hidden_q(request.user))


class ExplorablePagesOnlyMixin:
    """Page bulk actions take only pages the user may explore: Wagtail's own ones list
    every requested page, titles included, also those the user may not see."""

    def get_queryset(self, model, object_ids):
        pages = super().get_queryset(model, object_ids)
        allowed = permissions.explorable_page_ids(self.request.user, [p.pk for p in pages])
        pages = [page for page in pages if page.pk in allowed]
        if not pages:
            raise Http404
        return pages


class PortalPublishBulkAction(ExplorablePagesOnlyMixin, PublishBulkAction):
    pass


class PortalUnpublishBulkAction(ExplorablePagesOnlyMixin, UnpublishBulkAction):
    pass


class PortalDeleteBulkAction(ExplorablePagesOnlyMixin, DeleteBulkAction):
    pass


class PortalMoveBulkAction(ExplorablePagesOnlyMixin, MoveBulkAction):
    def get_actionable_objects(self):
        destination = self.cleaned_form and self.cleaned_form.cleaned_data.get("chooser")
        if destination and not permissions.user_may_explore_page(self.request.user, destination):
            raise PermissionDenied  # its title would show in "cannot be moved to …"
        return super().get_actionable_objects()


# Registered after Wagtail's (order 0), so these replace its page actions of the same name.
for _action in (
    PortalPublishBulkAction,
    PortalUnpublishBulkAction,
    PortalDeleteBulkAction,
    PortalMoveBulkAction,
):
    hooks.register("register_bulk_action", _action, order=10)


@hooks.register("before_serve_document", order=-10)
def refuse_private_documents_to_logged_in_outsiders(document, request):
    """A document in an Amt's private collection answers 403 "Kein Zugriff" to everyone
    logged in outside the Amt. Wagtail's own check (after this one) would send them to the
    login page, which sends a logged-in person straight back: a redirect loop."""
    if request.user.is_authenticated and not permissions.user_may_download_file(
        request.user, document.collection
    ):
        raise PermissionDenied


@hooks.register("before_serve_page", order=-10)
def refuse_restricted_pages_to_logged_in_outsiders(page, request, serve_args, serve_kwargs):
    """A logged-in person outside the page's Ämter gets the portal's 403 "Kein Zugriff".

    Wagtail's own check (which runs after this one) answers every failed group restriction
    with a redirect to the login page; someone already logged in would come straight back
    and loop. Anonymous visitors never get here: the login middleware sends them to the
    login first, and Wagtail's check stays in place behind this one.
    """
    # Wagtail's check reads the same restrictions: let it reuse the ones read here.
    page.get_view_restrictions = partial(permissions.page_view_restrictions, page)
    if request.user.is_authenticated and not permissions.user_may_view_page(request.user, page):
        raise PermissionDenied
