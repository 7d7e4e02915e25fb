"""One schema for every frame: each frame type in both directions is produced, checked against
chat/protocol.py and documented in docs/chat-protocol.md."""

import ast
import json
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from hypothesis import given
from hypothesis import strategies as st

from chat import services
from chat.protocol import (
    CLIENT_FRAMES,
    ERRORS,
    MAX_DEPTH,
    MAX_FRAME_BYTES,
    SERVER_FRAMES,
    FrameError,
    json_depth_exceeds,
    parse_client_frame,
    validate_client_frame,
    validate_server_frame,
)
from tests.chat.conftest import open_socket, send_message

DOC = Path(__file__).resolve().parents[2] / "docs" / "chat-protocol.md"

CLIENT_EXAMPLES = {
    "ping": {"type": "ping"},
    "sync": {"type": "sync", "rooms": {"1": 0}},
    "send": {"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": "Hallo"},
    "edit": {"type": "edit", "room": 1, "seq": 1, "text": "Hallo!"},
    "delete": {"type": "delete", "room": 1, "seq": 1},
    "history": {"type": "history", "room": 1, "before": 10, "limit": 20},
    "read": {"type": "read", "room": 1, "seq": 3},
    "typing": {"type": "typing", "room": 1},
    "presence.query": {"type": "presence.query", "users": [1, 2]},
}


def test_every_client_frame_type_has_a_valid_example():
    assert set(CLIENT_EXAMPLES) == set(CLIENT_FRAMES)
    for frame in CLIENT_EXAMPLES.values():
        assert validate_client_frame(frame) is frame


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "send", "room": True, "client_id": "a1b2c3d4e5", "text": "x"},
        {"type": "send", "room": 1, "client_id": "kurz", "text": "x"},
        {"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": "x" * 4001},
        {"type": "send", "room": 1, "client_id": "a1b2c3d4e5"},
        {"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": "x", "author": 2},
        {"type": "sync", "rooms": {"abc": 1}},
        {"type": "sync", "rooms": {"1": -1}},
        {"type": "history", "room": 1, "before": 10, "limit": 500},
        {"type": "presence.query", "users": list(range(1, 200))},
        {"type": "read", "room": 1.5, "seq": 1},
        # `$` would match before a final newline; the pattern must match the whole id.
        {"type": "send", "room": 1, "client_id": "a1b2c3d4e5\n", "text": "x"},
        {"type": "send", "room": 1, "client_id": "\na1b2c3d4e5", "text": "x"},
        {"type": "send", "room": 1, "client_id": "a1b2c3d4\ud800", "text": "x"},
    ],
)
def test_invalid_client_frames_are_refused(frame):
    with pytest.raises(FrameError) as error:
        validate_client_frame(frame)
    assert error.value.code == "invalid"


def test_the_protocol_document_names_every_frame_and_error():
    from chat.protocol import ERRORS

    text = DOC.read_text()
    for frame_type in {*CLIENT_FRAMES, *SERVER_FRAMES}:
        assert f"`{frame_type}`" in text, frame_type
    for code in ERRORS:
        assert f"`{code}`" in text, code


@pytest.mark.django_db(transaction=True)
async def test_the_server_sends_every_frame_type_and_each_fits_the_schema(
    client, settings, room_32, person_in_32, colleague_in_32
):
    settings.CHAT_REPLAY_LIMIT = 1
    await sync_to_async(services.chat_preference_set)(
        user=person_in_32.user, share_presence=True, share_typing=True
    )
    lena = await open_socket(client, person_in_32.user)
    oezlem = await open_socket(client, colleague_in_32.user)
    seen = {"hello"}

    async def drain(communicator, expected: set[str]):
        """Receive until these frame types came (each checked against the schema)."""
        got = set()
        while not expected <= got:
            frame = await communicator.receive_json_from(timeout=5)
            validate_server_frame(frame)
            got.add(frame["type"])
        seen.update(got)

    await lena.send_json_to({"type": "ping"})
    await send_message(lena, room_32.pk, f"Hallo @{colleague_in_32.user.username}")
    await send_message(lena, room_32.pk, "Zweite Nachricht")
    await lena.send_json_to({"type": "typing", "room": room_32.pk})
    await drain(lena, {"pong", "ack", "message"})
    await oezlem.send_json_to({"type": "sync", "rooms": {str(room_32.pk): 0}})
    await oezlem.send_json_to({"type": "history", "room": room_32.pk, "before": 3})
    await oezlem.send_json_to({"type": "read", "room": room_32.pk, "seq": 1})
    await oezlem.send_json_to({"type": "presence.query", "users": [person_in_32.user.pk]})
    await oezlem.send_json_to({"type": "gibt.es.nicht"})
    await drain(
        oezlem,
        {"message", "mention", "typing", "resync", "synced", "history", "unread", "presence"}
        | {"error"},
    )

    room = await sync_to_async(services.cross_office_room_create)(
        creator=person_in_32.user, name="Neu"
    )
    await sync_to_async(services.room_invite)(
        room=room, actor=person_in_32.user, users=[colleague_in_32.user]
    )
    await drain(oezlem, {"room.joined"})
    await sync_to_async(services.room_leave)(room=room, user=colleague_in_32.user)
    await drain(oezlem, {"room.left"})

    assert seen == set(SERVER_FRAMES)
    await lena.disconnect()
    await oezlem.disconnect()


# --- Parsing a text frame: size, nesting, JSON, schema (S3, issue 12) -----------------------


def _nested(depth: int, opener: str = "[") -> str:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return opener * depth + "0" + closer * depth


def test_nesting_deeper_than_the_limit_is_refused_before_parsing():
    assert not json_depth_exceeds(_nested(MAX_DEPTH))
    assert json_depth_exceeds(_nested(MAX_DEPTH + 1))
    # A few thousand levels in under 16 KiB: a RecursionError in json.loads before.
    for text in (
        _nested(8000),
        _nested(2500, '{"a":'),
        "[" * 16000,
        '{"type": "ping", "x": ' * 700,
    ):
        assert len(text.encode()) <= MAX_FRAME_BYTES
        with pytest.raises(FrameError) as refused:
            parse_client_frame(text)
        assert refused.value.code == "malformed"


def test_brackets_inside_strings_do_not_count_as_nesting():
    frame = {"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": "[{" * 1500}
    assert parse_client_frame(json.dumps(frame)) == frame
    tricky = {"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": '\\"[[[[[[[[[[' * 50}
    assert parse_client_frame(json.dumps(tricky)) == tricky


def test_size_is_checked_before_anything_else():
    with pytest.raises(FrameError) as refused:
        parse_client_frame("[" * (MAX_FRAME_BYTES + 1))
    assert refused.value.code == "too_large"
    # Counted in UTF-8 bytes, also for text that a browser could never send.
    with pytest.raises(FrameError) as refused:
        parse_client_frame("\ud800" * (MAX_FRAME_BYTES // 3 + 1))
    assert refused.value.code == "too_large"


def test_a_lone_surrogate_is_data_for_the_services_not_a_crash():
    frame = parse_client_frame(
        '{"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": "\\ud800"}'
    )
    assert frame["text"] == "\ud800"  # chat.text refuses it with the error `invalid`


DEEP = st.builds(
    lambda depth, opener, prefix: prefix + _nested(depth, opener),
    st.integers(min_value=MAX_DEPTH + 1, max_value=3000),
    st.sampled_from(["[", '{"a":']),
    st.sampled_from(["", '{"type": "send", "text": ', '{"type": "sync", "rooms": ']),
)
HOSTILE_TEXT = st.one_of(
    st.text(),  # anything, lone surrogates included
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Co"])),
    st.text(alphabet=st.sampled_from('[]{}"\\:,0 \x00\ud800'), max_size=400),
    DEEP,
    st.builds(
        lambda text: json.dumps(
            {"type": "send", "room": 1, "client_id": "a1b2c3d4e5", "text": text}
        ),
        st.text(alphabet=st.characters(codec=None)),
    ),
)


@given(text=HOSTILE_TEXT)
def test_parsing_any_text_gives_a_frame_or_a_documented_error(text):
    try:
        frame = parse_client_frame(text)
    except FrameError as error:
        assert error.code in ERRORS
    else:
        assert frame["type"] in CLIENT_FRAMES


# --- One place builds what the server sends (issue 11) ------------------------------------

CHAT = Path(__file__).resolve().parents[2] / "chat"


def _server_frame_literals(path: Path) -> list[str]:
    """Dict literals with a "type" that is a server frame type, i.e. frames built inline."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "type"
                    and isinstance(value, ast.Constant)
                    and value.value in SERVER_FRAMES
                ):
                    found.append(f"{path.name}:{node.lineno} {value.value}")
    return found


def test_server_frames_are_built_in_chat_events_only():
    built_elsewhere = [
        literal
        for path in sorted(CHAT.rglob("*.py"))
        if path.name not in ("events.py", "protocol.py")
        for literal in _server_frame_literals(path)
    ]
    assert built_elsewhere == []
    assert _server_frame_literals(CHAT / "events.py")  # the check does see frames


def test_chat_events_imports_neither_the_consumer_nor_the_services():
    tree = ast.parse((CHAT / "events.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "chat"
        for alias in node.names
    }
    assert imported & {"chat.consumers", "consumers", "chat.services", "services"} == set()
    assert imported & {"chat.selectors", "selectors"} == set()
