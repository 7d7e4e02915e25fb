from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet import admin_reports, login_throttle, views
from intranet.sso import urls as sso_urls
from intranet.sso import views as sso_views
from wiki import views as wiki_views

# S7: these are the only URLs an anonymous visitor may open (static files are served by
# WhiteNoise before any view). Every other URL needs a login; tests/intranet walks them all.
PUBLIC_URL_NAMES = {
    "login",
    "login_unlock",
    "set_language",
    "healthz",
    *sso_urls.PUBLIC_URL_NAMES,
}

urlpatterns = [
    # The login page in every sign-in mode (intranet/sso, docs/authentication.md).
    # S5: failed passwords are limited per login name and address (intranet/login_throttle).
    path("anmelden/", login_throttle.throttled(sso_views.PortalLoginView.as_view()), name="login"),
    path("anmelden/entsperren/<str:token>/", views.login_unlock, name="login_unlock"),
    path("anmelden/", include(sso_urls)),
    path("abmelden/", sso_views.PortalLogoutView.as_view(), name="logout"),
    # The language switch must work on the login page too; it only sets a cookie.
    path("sprache/", login_not_required(set_language), name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    # Wagtail brings two login pages of its own; both hand over to the portal's one login.
    path("admin/login/", views.login_elsewhere, name="wagtailadmin_login_redirect"),
    path("_util/login/", views.login_elsewhere, name="wagtailcore_login_redirect"),
    path("barrierefreiheit/", views.accessibility_statement, name="accessibility"),
    path("transparenz/", views.transparency, name="transparency"),
    path("meine-daten/", views.my_data, name="my_data"),
    path("meine-daten/export.json", views.my_data_download, name="my_data_download"),
    path(
        "meine-daten/sitzungen/<int:pk>/beenden/",
        views.my_data_session_end,
        name="my_data_session_end",
    ),
    path(
        "meine-daten/sitzungen/andere-beenden/",
        views.my_data_sessions_end_others,
        name="my_data_sessions_end_others",
    ),
    # Per-editor reports (site history, workflows, locked/aging pages): administrators only (P1).
    path("admin/reports/", include(admin_reports.activity_report_urlpatterns)),
    # Wagtail's page chooser, refusing to browse a page hidden from the user (wiki/views.py).
    path(
        "admin/choose-page/<int:parent_page_id>/",
        wiki_views.page_chooser_browse,
        name="wagtailadmin_choose_page_child",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Documents only through Wagtail's view, which checks the collection (wiki/wagtail_hooks).
    path("dokumente/", include(wagtaildocs_urls)),
    # Uploads are never served from MEDIA_ROOT directly, not even under DEBUG: this view
    # serves Wagtail images only, checked against their collection (docs/wiki.md).
    path("media/<path:path>", wiki_views.image_file, name="media_image"),
    path("personen/", include("directory.urls")),
    # "Wissen" itself is a Wagtail page (/wissen/, with /wissen/suche/); see wiki/models.py.
    path("sitemap.xml", wiki_views.sitemap, name="sitemap"),
    path("chat/", include("chat.urls")),
]

urlpatterns.append(path("", include(wagtail_urls)))
