from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Personenverzeichnis")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import m2m_changed, pre_delete

        from directory import office_groups, services

        # The directory is the only way into an Amt's groups (directory/office_groups.py).
        m2m_changed.connect(
            office_groups.membership_guard,
            sender=get_user_model().groups.through,
            dispatch_uid="directory.office_group_membership_guard",
        )
        pre_delete.connect(
            office_groups.group_delete_guard,
            sender=Group,
            dispatch_uid="directory.office_group_delete_guard",
        )

        def remember(sender, request, user, **kwargs):
            services.login_session_remember(user=user, session_key=request.session.session_key)

        def forget(sender, request, user, **kwargs):
            services.login_session_forget(session_key=request.session.session_key, user=user)

        # The session index lets offboarding end a leaver's sessions (docs/directory.md).
        user_logged_in.connect(
            remember, weak=False, dispatch_uid="directory.login_session_remember"
        )
        user_logged_out.connect(forget, weak=False, dispatch_uid="directory.login_session_forget")
