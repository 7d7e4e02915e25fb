"""Events the chat sends over the channel layer; only services call these, after commit.

The channel layer only signals: every event refers to rows that are already committed, so a
dropped event is repaired by the client's next `sync` (see docs/chat-protocol.md).
"""

import hashlib
import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chat.protocol import validate_server_frame

# --- Channel-layer group names: the one place that builds them (consumers and services
# import them from here, never the other way round) ------------------------------------


def user_group_name(user_id: int) -> str:
    """The per-user group: direct events to one person (mentions, own unread counts)."""
    return f"user.{user_id}"


def room_group_name(room_id: int) -> str:
    return f"room.{room_id}"


def session_group_name(session_key: str) -> str:
    """The sockets opened with one login session, so that ending the session ends them.

    A hash, not the key itself: group names are visible in Redis, and a live session key
    would let anyone who reads them take over the login.
    """
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _send(group: str, event: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, event)


def notify_message(*, payload: dict) -> None:
    """A new, edited or deleted message, to everyone connected to the room.

    The frame is checked and encoded once here, not once per recipient: with 200 sockets
    in a room that is most of the fan-out's CPU time.
    """
    frame = validate_server_frame({"type": "message", **payload})
    _send(
        room_group_name(payload["room"]),
        {
            "type": "chat.message",
            "room": payload["room"],
            "text": json.dumps(frame, ensure_ascii=False),
        },
    )


def notify_mention(*, user_ids: list[int], room_id: int, room_name: str, seq: int, by: str):
    for user_id in user_ids:
        _send(
            user_group_name(user_id),
            {"type": "chat.mention", "room": room_id, "room_name": room_name, "seq": seq, "by": by},
        )


def notify_unread(*, user_id: int, room_id: int, unread: int, mentions: int) -> None:
    """The reader's own new unread count, to their own other tabs only (P3)."""
    _send(
        user_group_name(user_id),
        {"type": "chat.unread", "room": room_id, "unread": unread, "mentions": mentions},
    )


def notify_rooms_changed(*, user_ids: list[int]) -> None:
    """Rights changed: these people's sockets re-read their rooms at once."""
    for user_id in user_ids:
        _send(user_group_name(user_id), {"type": "chat.rooms"})


def notify_preference(*, user_id: int) -> None:
    _send(user_group_name(user_id), {"type": "chat.preference"})


def notify_sessions_ended(*, user_id: int, session_keys: list[str], all_sessions: bool) -> None:
    """These login sessions ended (logout, "Meine Daten", offboarding): their
    open sockets close with 4003. With `all_sessions`, every socket of the person closes,
    also one whose session was never in the index."""
    close = {"type": "session.close"}
    for session_key in session_keys:
        _send(session_group_name(session_key), close)
    if all_sessions:
        _send(user_group_name(user_id), close)
