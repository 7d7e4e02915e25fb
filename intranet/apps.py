from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


def last_login_not_recorded(sender, request, user, **kwargs):
    """Takes the place of Django's `update_last_login` (P1): no login time is stored."""


def session_refresh_start(sender, request, user, **kwargs):
    """A new login starts its idle timeout now (see SessionRefreshMiddleware)."""
    from intranet.middleware import SESSION_REFRESHED_KEY, session_refresh_stamp

    if hasattr(request, "session"):
        request.session[SESSION_REFRESHED_KEY] = session_refresh_stamp()


class IntranetConfig(AppConfig):
    default = True  # this module holds a second AppConfig (for wagtail.users)
    name = "intranet"
    verbose_name = _("Intranet")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from intranet import (
            audit_signals,  # noqa: F401  (connects the audit receivers)
            checks,  # noqa: F401  (registers the system checks)
        )

        # P1: Django's auth app connects `update_last_login` under this dispatch_uid in its
        # own ready(), which runs after ours (intranet comes first in INSTALLED_APPS). A
        # signal keeps only one receiver per dispatch_uid, so Django's is never connected
        # and `User.last_login` stays empty. tests/intranet/test_no_activity_records.py
        # proves it through a real login.
        user_logged_in.connect(last_login_not_recorded, dispatch_uid="update_last_login")
        user_logged_in.connect(session_refresh_start, dispatch_uid="intranet.session_refresh")

        from intranet.exports import csv_neutralisation_install

        csv_neutralisation_install()  # CSV cells never start a formula (OWASP)


class PortalUsersAppConfig(WagtailUsersAppConfig):
    """wagtail.users without login times (P1), with the Amt groups left to the directory."""

    user_viewset = "intranet.admin_users.PortalUserViewSet"
    group_viewset = "intranet.admin_users.PortalGroupViewSet"
