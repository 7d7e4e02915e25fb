"""S3 as a property: random and hostile frames never crash the socket or leak a room."""

import json

import pytest
from asgiref.sync import async_to_sync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.protocol import CLIENT_FRAMES, MAX_DEPTH, validate_server_frame
from tests.chat.conftest import open_socket

pytestmark = pytest.mark.django_db(transaction=True)

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=50),
    # Lone surrogates, controls (NUL …), format and private-use characters: json.dumps
    # escapes them, so they reach the server as "\ud800", "\u0000" ….
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Co"]), max_size=20),
    st.sampled_from(
        ["<script>alert(1)</script>", "__proto__", "' OR 1=1 --", "\u202e", "x" * 5000]
        + ["\ud800", "a\x00b", "\u200b\u200d", "\ufffe", "Rechnung_\u202efdp.exe"]
    ),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from(
    ["room", "seq", "rev", "client_id", "text", "before", "limit", "rooms", "users", "author"]
)
FRAMES = st.one_of(
    # Frames of a known type with random fields, to reach the handlers.
    st.builds(
        lambda kind, fields: {"type": kind, **fields},
        st.sampled_from(sorted(CLIENT_FRAMES)),
        st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=4),
    ),
    st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=4),
    JSON_VALUES,
)
# JSON nested far deeper than any frame: a RecursionError (1011) before issue 12.
CLOSERS = {"[": "]", '{"a":': "}"}
DEEP = st.builds(
    lambda depth, opener, prefix: prefix + opener * depth + "1" + CLOSERS[opener] * depth,
    st.integers(min_value=MAX_DEPTH + 1, max_value=2500),
    st.sampled_from(sorted(CLOSERS)),
    st.sampled_from(["", '{"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": ']),
)
RAW = st.one_of(
    FRAMES.map(lambda frame: json.dumps(frame)),
    st.text(min_size=1, max_size=200),
    st.just("{" * 5000),
    st.just("[" * 8000),
    DEEP,
)


def _is_ping(text: str) -> bool:
    try:
        return json.loads(text) == {"type": "ping"}
    except (ValueError, RecursionError):
        return False


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(RAW, min_size=1, max_size=6))
def test_hostile_frames_get_errors_and_never_leak(client, room_32, room_50, person_in_32, texts):
    async def scenario():
        socket = await open_socket(client, person_in_32.user)
        for text in texts:
            await socket.send_to(text_data=text)
        await socket.send_json_to({"type": "ping"})
        frames, pongs = [], 0
        while pongs < 1 + sum(_is_ping(text) for text in texts):
            frame = await socket.receive_json_from(timeout=5)
            validate_server_frame(frame)
            frames.append(frame)
            pongs += frame["type"] == "pong"
        await socket.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    # Still connected (the final ping was answered), and nothing from Amt 50's room.
    assert frames[-1] == {"type": "pong"}
    for frame in frames:
        assert frame.get("room") != room_50.pk or frame["type"] == "error"
        for message in frame.get("messages", []):
            assert message["room"] != room_50.pk
