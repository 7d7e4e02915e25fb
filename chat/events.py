"""The chat's server side of the wire: group names, server frames and the events that carry
them over the channel layer.

Everything the server sends is built here, from the schema in chat/protocol.py: the
consumer (chat/consumers.py) only forwards frames, and the services call the notify_*
functions after commit. Nothing here imports the consumer or the services, so the import
graph runs one way: consumers → services → events → protocol.

The channel layer only signals: every event refers to rows that are already committed, so a
dropped event is repaired by the client's next `sync` (see docs/chat-protocol.md).
"""

import hashlib
import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chat.protocol import ERRORS, validate_server_frame

# --- Channel-layer group names: the one place that builds them -------------------------


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


# --- Server frames (docs/chat-protocol.md); the consumer checks each before sending ------


def hello_frame(*, user_id: int) -> dict:
    return {"type": "hello", "user": user_id}


def pong_frame() -> dict:
    return {"type": "pong"}


def ack_frame(*, room_id: int, client_id: str, seq: int, duplicate: bool) -> dict:
    return {
        "type": "ack",
        "room": room_id,
        "client_id": client_id,
        "seq": seq,
        "duplicate": duplicate,
    }


def message_frame(*, payload: dict) -> dict:
    """A message as chat.selectors.message_payload describes it."""
    return {"type": "message", **payload}


def history_frame(*, room_id: int, messages: list[dict], complete: bool) -> dict:
    return {"type": "history", "room": room_id, "messages": messages, "complete": complete}


def resync_frame(*, room_id: int, last_seq: int) -> dict:
    return {"type": "resync", "room": room_id, "last_seq": last_seq}


def synced_frame(*, state: dict[int, dict]) -> dict:
    """The reader's own cursors and counts per room (P3: only ever sent to them)."""
    return {"type": "synced", "rooms": {str(room): values for room, values in state.items()}}


def presence_frame(*, online: list[int]) -> dict:
    return {"type": "presence", "online": online}


def room_joined_frame(*, room_id: int) -> dict:
    return {"type": "room.joined", "room": room_id}


def room_left_frame(*, room_id: int) -> dict:
    return {"type": "room.left", "room": room_id}


def typing_frame(*, room_id: int, name: str) -> dict:
    return {"type": "typing", "room": room_id, "name": name}


def mention_frame(*, room_id: int, room_name: str, seq: int, by: str) -> dict:
    return {"type": "mention", "room": room_id, "room_name": room_name, "seq": seq, "by": by}


def unread_frame(*, room_id: int, unread: int, mentions: int) -> dict:
    return {"type": "unread", "room": room_id, "unread": unread, "mentions": mentions}


def error_frame(code: str, *, ref: str | None = None, message=None) -> dict:
    frame = {"type": "error", "code": code, "message": str(message or ERRORS[code])}
    if ref:
        frame["ref"] = ref[:64]
    return frame


def encode_frame(frame: dict) -> str:
    """Check a frame against the schema and encode it; a mismatch is a bug in the server."""
    return json.dumps(validate_server_frame(frame), ensure_ascii=False)


# --- Events over the channel layer ------------------------------------------------------
# A frame that goes to many sockets is checked and encoded once here, not once per
# recipient: with 200 sockets in a room that is most of the fan-out's CPU time. The
# consumer forwards the event's `text` as it is.


def _send(group: str, event: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, event)


def notify_message(*, payload: dict) -> None:
    """A new, edited or deleted message, to everyone connected to the room."""
    _send(
        room_group_name(payload["room"]),
        {
            "type": "chat.message",
            "room": payload["room"],
            "text": encode_frame(message_frame(payload=payload)),
        },
    )


def notify_mention(*, user_ids: list[int], room_id: int, room_name: str, seq: int, by: str):
    text = encode_frame(mention_frame(room_id=room_id, room_name=room_name, seq=seq, by=by))
    for user_id in user_ids:
        _send(user_group_name(user_id), {"type": "chat.mention", "text": text})


def notify_unread(*, user_id: int, room_id: int, unread: int, mentions: int) -> None:
    """The reader's own new unread count, to their own other tabs only (P3)."""
    text = encode_frame(unread_frame(room_id=room_id, unread=unread, mentions=mentions))
    _send(user_group_name(user_id), {"type": "chat.unread", "text": text})


async def notify_typing(channel_layer, *, room_id: int, name: str, sender: str) -> None:
    """Someone is typing (P2: only if they opted in; nothing is stored). Sent from the
    consumer itself, as there is no row behind it; the sender's own socket skips it."""
    await channel_layer.group_send(
        room_group_name(room_id),
        {
            "type": "chat.typing",
            "room": room_id,
            "sender": sender,
            "text": encode_frame(typing_frame(room_id=room_id, name=name)),
        },
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
