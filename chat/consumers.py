"""The portal's one WebSocket per browser tab: every chat room of the user plus their own
per-user group. The protocol is in docs/chat-protocol.md and chat/protocol.py."""

import logging
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from chat import events
from chat.events import room_group_name, session_group_name, user_group_name
from chat.protocol import (
    HISTORY_PAGE,
    MAX_FRAME_BYTES,
    UNAVAILABLE_SEND,
    FrameError,
    parse_client_frame,
)
from intranet.channel_layer import channel_release
from intranet.sessions import session_is_live

TYPING_INTERVAL = 3.0  # seconds between two typing signals of one socket

# A service the chat needs is unreachable for a moment: PostgreSQL (the message is the row),
# or Redis (send rate, channel layer). The frame is refused with `unavailable` and the
# socket stays open; the client keeps its message and sends it again. Integrity errors are
# not outages and still fail loudly.
SERVICE_UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)

logger = logging.getLogger(__name__)

# Channel-layer events whose handlers never touch the database. Channels runs
# close_old_connections() in the one database thread before EVERY event; for a message to
# 200 sockets that is 200 serialised thread hops and the main cost of the fan-out. Handlers
# that do use the database go through database_sync_to_async, which closes them itself.
EVENTS_WITHOUT_DATABASE = {"chat.message", "chat.mention", "chat.unread", "chat.typing"}

# Close code when the socket's login session has ended: logout, expiry, ended in "Meine
# Daten", offboarding. chat.js does not reconnect after it (docs/chat-protocol.md).
SESSION_ENDED = 4003

__all__ = ["MAX_FRAME_BYTES", "SESSION_ENDED", "PortalConsumer"]


def _rooms_if_session_live(user, session_key: str) -> set[int] | None:
    """The rooms the user may read now, or None once the socket's session has ended."""
    from chat import selectors

    if not session_is_live(session_key=session_key, user_id=user.pk):
        return None
    return selectors.room_ids_for_user(user=user)


def _socket_state(user_id: int):
    from chat import selectors

    user = selectors.socket_user(user_id=user_id)
    if user is None:
        return None, set()
    return user, selectors.room_ids_for_user(user=user)


class PortalConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            if getattr(self, "channel_name", None):
                await channel_release(self.channel_layer, self.channel_name)

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # S1: anonymous sockets are refused during the handshake (HTTP 403).
            await self.close()
            return
        self.room_ids: set[int] = set()
        self.last_typing = 0.0
        try:
            self.user, rooms = await database_sync_to_async(_socket_state)(user.pk)
            if self.user is None:
                await self.close()
                return
            # The socket belongs to the session it was opened with: ending that session
            # (logout, "Meine Daten", offboarding) closes it through this group.
            self.session_key = self.scope["session"].session_key
            self.session_group = session_group_name(self.session_key)
            await self.channel_layer.group_add(self.session_group, self.channel_name)
            self.user_group = user_group_name(user.pk)
            await self.channel_layer.group_add(self.user_group, self.channel_name)
            await self._join(rooms)
        except SERVICE_UNAVAILABLE as error:
            # Refused like any other failed handshake; chat.js reconnects with a growing
            # pause. A warning instead of daphne's "Exception inside application".
            logger.warning("chat: socket refused, a service is unreachable (%r)", error)
            await self.close()
            return
        await self.accept()
        await self.send_frame(events.hello_frame(user_id=self.user.pk))
        await self._touch_presence()

    async def dispatch(self, message):
        if message["type"] in EVENTS_WITHOUT_DATABASE:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def disconnect(self, code):
        if not hasattr(self, "user_group"):
            return
        try:
            await self.channel_layer.group_discard(self.session_group, self.channel_name)
            await self.channel_layer.group_discard(self.user_group, self.channel_name)
            for room_id in list(self.room_ids):
                await self.channel_layer.group_discard(room_group_name(room_id), self.channel_name)
        except SERVICE_UNAVAILABLE as error:
            # Redis is down: group memberships expire by themselves (group_expiry), and
            # the pub/sub layer's subscriptions die with the connection.
            logger.warning("chat: groups not left, a service is unreachable (%r)", error)

    # --- incoming frames ---------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        # S3: a bad frame gets an error frame; the connection stays open.
        if text_data is None:
            await self.send_error("binary_not_supported")
            return
        try:
            frame = parse_client_frame(text_data)
        except FrameError as error:
            await self.send_error(error.code)
            return
        handler = getattr(self, "on_" + frame["type"].replace(".", "_"))
        from chat.services import ChatError

        try:
            # S2: rights are read again on every frame; rooms the user lost are left now.
            await self._refresh_rooms()
            await handler(frame)
        except ChatError as error:
            await self.send_error(error.code, ref=self._ref(frame), message=error.message)
        except SERVICE_UNAVAILABLE as error:
            # Nothing was acknowledged, so nothing is lost: the client resends the same
            # client_id later, and a send that did commit answers as a duplicate then.
            logger.warning("chat: frame refused, a service is unreachable (%r)", error)
            if frame["type"] == "ping":
                # The socket is alive even if the database is not: keep the heartbeat going.
                await self.send_frame(events.pong_frame())
            else:
                message = UNAVAILABLE_SEND if frame["type"] == "send" else None
                await self.send_error("unavailable", ref=self._ref(frame), message=message)

    @staticmethod
    def _ref(frame: dict) -> str | None:
        if "client_id" in frame:
            return frame["client_id"]
        if "seq" in frame:
            return f"{frame['room']}:{frame['seq']}"
        return None

    async def on_ping(self, frame):
        await self._touch_presence()
        await self.send_frame(events.pong_frame())

    async def on_sync(self, frame):
        from chat import selectors

        cursors = {
            int(room): seq for room, seq in frame["rooms"].items() if int(room) in self.room_ids
        }

        def load():
            state = selectors.room_state_for_user(user=self.user, room_ids=self.room_ids)
            last_seqs = {room: values["last_seq"] for room, values in state.items()}
            return state, selectors.messages_missed(cursors=cursors, last_seqs=last_seqs)

        state, replay = await database_sync_to_async(load)()
        for room_id, last_seq in replay.resync.items():
            await self.send_frame(events.resync_frame(room_id=room_id, last_seq=last_seq))
        for payload in replay.messages:
            await self.send_frame(events.message_frame(payload=payload))
        await self.send_frame(events.synced_frame(state=state))

    async def on_send(self, frame):
        from chat import selectors, services

        message, duplicate = await database_sync_to_async(services.message_send)(
            user=self.user, room_id=frame["room"], client_id=frame["client_id"], text=frame["text"]
        )
        await self.send_frame(
            events.ack_frame(
                room_id=message.room_id,
                client_id=message.client_id,
                seq=message.seq,
                duplicate=duplicate,
            )
        )
        if duplicate:
            # The first send's broadcast may have been lost with the old connection.
            payload = await database_sync_to_async(selectors.message_payload)(message)
            await self.send_frame(events.message_frame(payload=payload))

    async def on_edit(self, frame):
        from chat import services

        await database_sync_to_async(services.message_edit)(
            user=self.user, room_id=frame["room"], seq=frame["seq"], text=frame["text"]
        )

    async def on_delete(self, frame):
        from chat import services

        await database_sync_to_async(services.message_delete)(
            user=self.user, room_id=frame["room"], seq=frame["seq"]
        )

    async def on_history(self, frame):
        from chat import selectors
        from chat.services import ChatError

        if frame["room"] not in self.room_ids:
            raise ChatError("forbidden")
        limit = frame.get("limit", HISTORY_PAGE)
        messages = await database_sync_to_async(selectors.message_history)(
            room_id=frame["room"], before=frame["before"], limit=limit
        )
        await self.send_frame(
            events.history_frame(
                room_id=frame["room"], messages=messages, complete=len(messages) < limit
            )
        )

    async def on_read(self, frame):
        from chat import services

        await database_sync_to_async(services.read_cursor_set)(
            user=self.user, room_id=frame["room"], seq=frame["seq"]
        )

    async def on_typing(self, frame):
        from chat import presence, selectors
        from chat.services import ChatError

        if frame["room"] not in self.room_ids:
            raise ChatError("forbidden")
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL:
            return

        def allowed():
            # Read fresh: switching the opt-in off must count from the very next signal.
            preference = selectors.chat_preference_for_user(user=self.user)
            return presence.typing_allowed(preference)

        if not await database_sync_to_async(allowed)():
            raise ChatError("feature_off")
        self.last_typing = now
        await events.notify_typing(
            self.channel_layer,
            room_id=frame["room"],
            name=self._author_name(),
            sender=self.channel_name,
        )

    async def on_presence_query(self, frame):
        from chat import presence

        online = await database_sync_to_async(presence.presence_online)(user_ids=frame["users"])
        await self.send_frame(events.presence_frame(online=online))

    # --- events from the channel layer -------------------------------------------------

    # The frames of these events were built, checked and encoded once, in chat/events.py.

    async def chat_message(self, event):
        # Rooms are re-read on each incoming frame; this set never holds a lost room longer.
        if event["room"] in self.room_ids:
            await self.send(text_data=event["text"])

    async def chat_mention(self, event):
        await self.send(text_data=event["text"])

    async def chat_unread(self, event):
        await self.send(text_data=event["text"])

    async def chat_typing(self, event):
        if event["sender"] != self.channel_name and event["room"] in self.room_ids:
            await self.send(text_data=event["text"])

    async def chat_rooms(self, event):
        await self._refresh_rooms()

    async def chat_preference(self, event):
        from chat import selectors

        self.user.chat_preference = await database_sync_to_async(
            selectors.chat_preference_for_user
        )(user=self.user)
        await self._touch_presence()

    async def session_close(self, event):
        """The session ended (logout, "Meine Daten", offboarding): end this socket at once."""
        await self._end_session()

    # --- helpers -------------------------------------------------------------------------

    async def _join(self, rooms: set[int]) -> None:
        for room_id in rooms - self.room_ids:
            await self.channel_layer.group_add(room_group_name(room_id), self.channel_name)
        self.room_ids |= rooms

    async def _end_session(self) -> None:
        """Close with 4003 and stop: no frame of an ended session is handled any more."""
        await self.close(code=SESSION_ENDED)
        await self.disconnect(SESSION_ENDED)
        raise StopConsumer

    async def _refresh_rooms(self) -> None:
        """S2: re-read the session and the rights. A session that has expired or was ended
        elsewhere closes the socket before the frame is handled."""
        rooms = await database_sync_to_async(_rooms_if_session_live)(self.user, self.session_key)
        if rooms is None:
            await self._end_session()
        lost, gained = self.room_ids - rooms, rooms - self.room_ids
        for room_id in lost:
            await self.channel_layer.group_discard(room_group_name(room_id), self.channel_name)
            await self.send_frame(events.room_left_frame(room_id=room_id))
        self.room_ids -= lost
        await self._join(gained)
        for room_id in gained:
            await self.send_frame(events.room_joined_frame(room_id=room_id))

    def _preference(self):
        return getattr(self.user, "chat_preference", None)

    def _author_name(self) -> str:
        from chat.selectors import author_payload

        return author_payload(self.user)["name"]

    async def _touch_presence(self) -> None:
        from chat import presence

        def touch():
            if presence.presence_allowed(self._preference()):
                presence.presence_touch(user_id=self.user.pk)
            else:
                presence.presence_clear(user_id=self.user.pk)

        try:
            await database_sync_to_async(touch)()
        except SERVICE_UNAVAILABLE as error:
            # Presence is a flag with a TTL (P2): a missed refresh only lets it expire early.
            logger.warning("chat: presence not refreshed, a service is unreachable (%r)", error)

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=events.encode_frame(frame))

    async def send_error(self, code: str, ref: str | None = None, message=None) -> None:
        await self.send_frame(events.error_frame(code, ref=ref, message=message))
