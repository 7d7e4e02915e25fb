"""The chat protocol's one schema: every frame in both directions is checked against it.

docs/chat-protocol.md describes the same frames for people; tests/chat/test_protocol.py
checks that every frame type the server can send and the client can send fits here.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# A frame over MAX_FRAME_BYTES gets the error `too_large` and the socket stays open (S3).
MAX_FRAME_BYTES = 16 * 1024
# A WebSocket message over MAX_MESSAGE_BYTES is not even read: daphne closes the socket with
# 1009 (message too big). intranet/serve.py passes it to daphne as its maximum message and
# frame size, so that daphne never buffers more and never drops a socket without a word.
MAX_MESSAGE_BYTES = 4 * MAX_FRAME_BYTES
# No client frame nests deeper than two levels ({"rooms": {...}}); deeper JSON is refused
# before it is parsed, so the parser cannot recurse without bound (a RecursionError, 1011).
MAX_DEPTH = 8
MAX_TEXT_LENGTH = 4000
HISTORY_PAGE = 50
# Matched with fullmatch: "$" would also match before a final newline.
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")

ERRORS = {
    "binary_not_supported": _("Nur Textnachrichten (JSON) sind erlaubt."),
    "too_large": _("Die Nachricht ist zu groß."),
    "malformed": _("Die Nachricht ist kein gültiges JSON-Objekt mit einem Feld „type“."),
    "unknown_type": _("Unbekannter Nachrichtentyp."),
    "invalid": _("Die Nachricht hat ungültige Felder."),
    "forbidden": _("Dafür fehlt Ihnen die Berechtigung in diesem Raum."),
    "not_found": _("Diese Nachricht gibt es nicht (mehr)."),
    "rate_limited": _("Sie senden zu schnell. Bitte warten Sie einen Moment."),
    "feature_off": _("Diese Funktion ist ausgeschaltet."),
    "unavailable": _(
        "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."
    ),
}
# `unavailable` for a `send`: the client keeps the message in its outbox and resends it by
# itself (docs/chat-protocol.md); for every other frame the person has to try again.
UNAVAILABLE_SEND = _("Der Chat ist gerade nicht erreichbar. Die Nachricht wird erneut gesendet.")


class FrameError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class F:
    """One field: its JSON type and limits."""

    kind: type | tuple[type, ...]
    required: bool = True
    nullable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    pattern: re.Pattern | None = None
    items: "F | None" = None  # list items, or dict values
    schema: dict[str, "F"] | None = field(default=None)  # a nested object


ID = F(int, minimum=1, maximum=2**62)
SEQ = F(int, minimum=0, maximum=2**62)
ROOM_SEQS = F(dict, max_length=1000, items=SEQ)  # {"<room id>": seq}
AUTHOR = {"id": F(int, nullable=True), "name": F(str), "url": F(str)}
MESSAGE = {
    "room": ID,
    "seq": ID,
    "rev": ID,
    "client_id": F(str),
    "author": F(dict, schema=AUTHOR),
    "text": F(str),
    "html": F(str),
    "created": F(str),
    "edited": F(str, nullable=True),
    "deleted": F(bool),
}

CLIENT_FRAMES: dict[str, dict[str, F]] = {
    "ping": {},
    "sync": {"rooms": ROOM_SEQS},
    "send": {
        "room": ID,
        "client_id": F(str, pattern=CLIENT_ID),
        "text": F(str, max_length=MAX_TEXT_LENGTH),
    },
    "edit": {"room": ID, "seq": ID, "text": F(str, max_length=MAX_TEXT_LENGTH)},
    "delete": {"room": ID, "seq": ID},
    "history": {
        "room": ID,
        "before": ID,
        "limit": F(int, required=False, minimum=1, maximum=HISTORY_PAGE),
    },
    "read": {"room": ID, "seq": SEQ},
    "typing": {"room": ID},
    "presence.query": {"users": F(list, max_length=100, items=ID)},
}

SERVER_FRAMES: dict[str, dict[str, F]] = {
    "pong": {},
    "hello": {"user": ID},
    "ack": {"room": ID, "client_id": F(str), "seq": ID, "duplicate": F(bool)},
    "message": MESSAGE,
    "history": {
        "room": ID,
        "messages": F(list, items=F(dict, schema=MESSAGE)),
        "complete": F(bool),
    },
    "synced": {
        "rooms": F(dict, items=F(dict, schema={"last_seq": SEQ, "unread": SEQ, "mentions": SEQ}))
    },
    "resync": {"room": ID, "last_seq": SEQ},
    "unread": {"room": ID, "unread": SEQ, "mentions": SEQ},
    "mention": {"room": ID, "room_name": F(str), "seq": ID, "by": F(str)},
    "typing": {"room": ID, "name": F(str)},
    "presence": {"online": F(list, items=ID)},
    "room.joined": {"room": ID},
    "room.left": {"room": ID},
    "error": {"code": F(str), "message": F(str), "ref": F(str, required=False)},
}


def _check(value, spec: F, path: str) -> None:
    if value is None:
        if spec.nullable:
            return
        raise FrameError("invalid", f"{path}: fehlt")
    # bool is an int in Python, but never a valid id or count on the wire.
    if isinstance(value, bool) and spec.kind is not bool:
        raise FrameError("invalid", f"{path}: falscher Typ")
    if not isinstance(value, spec.kind):
        raise FrameError("invalid", f"{path}: falscher Typ")
    if spec.minimum is not None and value < spec.minimum:
        raise FrameError("invalid", f"{path}: zu klein")
    if spec.maximum is not None and value > spec.maximum:
        raise FrameError("invalid", f"{path}: zu groß")
    if spec.max_length is not None and len(value) > spec.max_length:
        raise FrameError("invalid", f"{path}: zu lang")
    if spec.pattern is not None and not spec.pattern.fullmatch(value):
        raise FrameError("invalid", f"{path}: ungültiges Format")
    if spec.kind is list and spec.items is not None:
        for index, item in enumerate(value):
            _check(item, spec.items, f"{path}[{index}]")
    if spec.kind is dict and spec.items is not None:
        for key, item in value.items():
            if not (isinstance(key, str) and key.isdigit() and len(key) < 19 and int(key) > 0):
                raise FrameError("invalid", f"{path}: Schlüssel müssen Raumnummern sein")
            _check(item, spec.items, f"{path}.{key}")
    if spec.kind is dict and spec.schema is not None:
        _check_object(value, spec.schema, path)


def _check_object(frame: dict, schema: dict[str, F], path: str) -> None:
    unknown = set(frame) - set(schema) - {"type"}
    if unknown:
        raise FrameError("invalid", f"{path}: unbekannte Felder {sorted(unknown)}")
    for name, spec in schema.items():
        if name not in frame:
            if spec.required:
                raise FrameError("invalid", f"{path}.{name}: fehlt")
            continue
        _check(frame[name], spec, f"{path}.{name}")


def validate(frame, schemas: dict[str, dict[str, F]]) -> dict:
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("malformed")
    schema = schemas.get(frame["type"])
    if schema is None:
        raise FrameError("unknown_type")
    _check_object(frame, schema, frame["type"])
    return frame


def validate_client_frame(frame) -> dict:
    """A frame from a browser: raises FrameError with the code the error frame carries."""
    return validate(frame, CLIENT_FRAMES)


# A JSON string (possessive, so an unterminated one cannot backtrack), or a bracket.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[{]|[\]}]', re.DOTALL)


def json_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether `text` opens more than `limit` arrays or objects inside each other.

    One linear scan that skips strings (their brackets do not count); it runs only if the
    text has more than `limit` opening brackets at all, so a usual frame costs two counts.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        first = token.group()[0]
        if first in "[{":
            depth += 1
            if depth > limit:
                return True
        elif first in "]}":
            depth -= 1
    return False


def parse_client_frame(text: str) -> dict:
    """Size, nesting, JSON and schema of one text frame from a browser, in that order.

    Raises FrameError with the code of the error frame; nothing in here can raise anything
    else for any text (tests/chat/test_protocol.py generates hostile ones)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError("too_large")
    if json_depth_exceeds(text):
        raise FrameError("malformed", "zu tief verschachtelt")
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FrameError("malformed") from error
    return validate_client_frame(frame)


def validate_server_frame(frame) -> dict:
    """A frame the server is about to send; a mismatch is a bug in the server."""
    return validate(frame, SERVER_FRAMES)
