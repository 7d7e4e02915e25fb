"""The knowledge section in the Wagtail admin: the report "Zu prüfende Seiten" and the
action "Als geprüft markieren"."""

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
