"""Extension points of the directory, the bottom layer: other apps (chat) connect receivers
in their AppConfig.ready(); the directory itself imports none of them."""

from django.dispatch import Signal

# Login sessions have ended: logout, "Meine Daten", offboarding. Sent after commit, with
# user_id (int), session_keys (list[str]) and all_sessions (bool: every session of the
# person, as on offboarding). Receivers must not raise; the chat closes the sockets.
login_sessions_ended = Signal()
