from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Personenverzeichnis")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from directory import services

        def remember(sender, request, user, **kwargs):
            services.login_session_remember(user=user, session_key=request.session.session_key)

        def forget(sender, request, user, **kwargs):
            services.login_session_forget(session_key=request.session.session_key)

        # The session index lets offboarding end a leaver's sessions (docs/directory.md).
        user_logged_in.connect(
            remember, weak=False, dispatch_uid="directory.login_session_remember"
        )
        user_logged_out.connect(forget, weak=False, dispatch_uid="directory.login_session_forget")
