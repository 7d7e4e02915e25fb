"""Extension points of the directory, the bottom layer: other apps (chat, wiki) connect
receivers in their AppConfig.ready(); the directory itself imports none of them."""

from django.dispatch import Signal

# An Amt's office groups exist and carry its current number and name: the Amt was created,
# renamed, renumbered or repaired (directory.services.amt_groups_ensure). Sent inside the
# directory's transaction with amt (OrgUnit), so a receiver that raises rolls the change
# back. The wiki keeps the Amt's section, the chat its room.
amt_groups_ensured = Signal()

# Two Ämter are being merged (directory.services.org_unit_merge). Sent inside the
# transaction with source and target (OrgUnit), after the people and units have moved and
# before `source` and its office groups are deleted; receivers move what hangs off the
# source (wiki section pages, the chat room) over to the target. A receiver may raise.
amt_merging = Signal()

# Login sessions have ended: logout, "Meine Daten", offboarding. Sent after commit, with
# user_id (int), session_keys (list[str]) and all_sessions (bool: every session of the
# person, as on offboarding). Receivers must not raise; the chat closes the sockets.
login_sessions_ended = Signal()
