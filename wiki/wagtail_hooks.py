"""The knowledge section in the Wagtail admin: the report "Zu prüfende Seiten" and the
action "Als geprüft markieren"."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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
    return pages.exclude(permissions.hidden_q(request.user))


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
