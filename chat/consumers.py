"""The portal's one WebSocket per browser tab; the chat protocol builds on this frame loop."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

MAX_FRAME_BYTES = 16 * 1024


def user_group_name(user_id: int) -> str:
    """The per-user group: direct events to one person, e.g. closing their sockets."""
    return f"user.{user_id}"


class PortalConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # S1: anonymous sockets are refused during the handshake (HTTP 403).
            await self.close()
            return
        self.user_group = user_group_name(user.pk)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "user_group"):
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        # S3: a bad frame gets an error frame; the connection stays open.
        if text_data is None:
            await self.send_error(
                "binary_not_supported", _("Nur Textnachrichten (JSON) sind erlaubt.")
            )
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error("too_large", _("Die Nachricht ist zu groß."))
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("malformed", _("Die Nachricht ist kein gültiges JSON."))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error("malformed", _("Jede Nachricht braucht ein Feld „type“."))
            return
        if frame["type"] == "ping":
            await self.send_frame({"type": "pong"})
            return
        await self.send_error("unknown_type", _("Unbekannter Nachrichtentyp."))

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_frame({"type": "error", "code": code, "message": message})

    async def session_close(self, event):
        """Offboarding or logout elsewhere: end this socket at once."""
        await self.close(code=4003)
