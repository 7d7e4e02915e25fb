from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def sessions_ended_close_sockets(sender, *, user_id, session_keys, all_sessions, **kwargs):
    """The directory ended login sessions (after commit): close their sockets with 4003."""
    from chat import events

    events.notify_sessions_ended(
        user_id=user_id, session_keys=list(session_keys), all_sessions=all_sessions
    )


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")

    def ready(self):
        from directory.signals import login_sessions_ended

        # The chat builds on the directory, never the other way round (docs/architecture.md).
        login_sessions_ended.connect(
            sessions_ended_close_sockets, dispatch_uid="chat.sessions_ended_close_sockets"
        )
