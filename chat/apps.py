from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def sessions_ended_close_sockets(sender, *, user_id, session_keys, all_sessions, **kwargs):
    """The directory ended login sessions (after commit): close their sockets with 4003."""
    from chat import events

    events.notify_sessions_ended(
        user_id=user_id, session_keys=list(session_keys), all_sessions=all_sessions
    )


def amt_groups_ensured_room_ensure(sender, *, amt, **kwargs):
    """The Amt's office groups changed (inside the directory's transaction): its room
    follows, with the rights for its members and Digital Movers."""
    from chat import services

    services.amt_room_ensure(amt=amt)


def amt_merging_room_merge(sender, *, source, target, **kwargs):
    """Two Ämter become one (inside the directory's transaction): the source's room stays
    as a cross-office room of the target."""
    from chat import services

    services.amt_room_merge(source=source, target=target)


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")

    def ready(self):
        from directory.signals import amt_groups_ensured, amt_merging, login_sessions_ended

        # The chat builds on the directory, never the other way round (docs/architecture.md).
        login_sessions_ended.connect(
            sessions_ended_close_sockets, dispatch_uid="chat.sessions_ended_close_sockets"
        )
        amt_groups_ensured.connect(
            amt_groups_ensured_room_ensure, dispatch_uid="chat.amt_groups_ensured_room_ensure"
        )
        amt_merging.connect(amt_merging_room_merge, dispatch_uid="chat.amt_merging_room_merge")
