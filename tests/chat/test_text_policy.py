"""One text policy for every way into the chat (chat/text.py, issue 12), on both databases.

The socket, the composer without JavaScript, edits, room names and topics refuse the same
characters with the same reasons, and SQLite stores exactly what PostgreSQL stores.
"""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from chat import services
from chat.forms import MessageForm, RoomForm
from chat.models import Message, Room
from chat.text import REASONS, TextRefused, clean_text
from tests.chat.conftest import open_socket, receive_until

RLO = "\u202e"

REFUSED = [
    ("a\x00b", "control"),
    ("Zeile\x07", "control"),
    ("\x1b[31mrot", "control"),
    ("a\x7fb", "control"),
    ("a\x85b", "control"),
    ("\ud800", "invalid_character"),
    ("ok \udfff", "invalid_character"),
    ("x\ufffe", "invalid_character"),
    ("x\uffff", "invalid_character"),
    ("x\ufdd0", "invalid_character"),
    ("x\U0010ffff", "invalid_character"),
    ("x\U0001fffe", "invalid_character"),
    ("\u200b", "empty"),
    ("\u200b\u200c\u200d\u2060\ufeff", "empty"),
    (" \u00ad \u2800 \u3164 \ufe0f ", "empty"),
    ("\u0301\u0308", "empty"),
    (f"{RLO}\u2066\u2069", "empty"),
    ("\u3000\u00a0\t\n", "empty"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_the_policy_refuses_controls_broken_characters_and_invisible_text(text, reason):
    with pytest.raises(TextRefused) as refused:
        clean_text(text, multiline=True)
    assert refused.value.reason == reason
    assert str(refused.value.message) == str(REASONS[reason])


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        (f"Rechnung_{RLO}fdp.exe", "Rechnung_fdp.exe"),
        ("a\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069b", "ab"),
        ("  Hallo\r\nWelt\r ", "Hallo\nWelt"),
        ("Code:\n\tzeile", "Code:\n\tzeile"),
        ("👩\u200d💻 Familie 👨\u200d👩\u200d👧", "👩\u200d💻 Familie 👨\u200d👩\u200d👧"),
        ("\u200bHallo", "\u200bHallo"),
        ("שלום \u200fעולם", "שלום \u200fעולם"),
        ("Ärger über Größe", "Ärger über Größe"),
    ],
)
def test_bidi_overrides_are_removed_and_everything_else_is_kept(text, stored):
    assert clean_text(text, multiline=True) == stored


def test_one_line_fields_refuse_line_breaks_and_tabs():
    for text in ("Raum\nName", "Raum\tName", "Raum\rName"):
        with pytest.raises(TextRefused) as refused:
            clean_text(text)
        assert refused.value.reason == "control"
    assert clean_text("", required=False) == ""
    with pytest.raises(TextRefused):
        clean_text("\u200b", required=False)


@given(st.text())
def test_the_policy_only_ever_returns_clean_text_or_refuses(text):
    try:
        cleaned = clean_text(text, multiline=True)
    except TextRefused as refused:
        assert refused.reason in REASONS
        return
    assert cleaned == cleaned.strip() and cleaned
    assert not any(0xD800 <= ord(char) <= 0xDFFF for char in cleaned)
    assert "\x00" not in cleaned and RLO not in cleaned
    cleaned.encode("utf-8")  # storable and sendable on every database and socket
    assert clean_text(cleaned, multiline=True) == cleaned  # idempotent: form, then service


# --- The services: the authority, on SQLite and PostgreSQL alike ---------------------------


def _send(user, room, text):
    return services.message_send(user=user, room_id=room.pk, client_id=uuid.uuid4().hex, text=text)[
        0
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_send_and_edit_refuse_the_same_texts_on_every_database(person_in_32, room_32, text, reason):
    user = person_in_32.user
    with pytest.raises(services.ChatError) as refused:
        _send(user, room_32, text)
    assert refused.value.code == "invalid"
    assert str(refused.value.message) == str(REASONS[reason])
    assert not Message.objects.exists()

    message = _send(user, room_32, "Original")
    with pytest.raises(services.ChatError) as refused:
        services.message_edit(user=user, room_id=room_32.pk, seq=message.seq, text=text)
    assert refused.value.code == "invalid"
    message.refresh_from_db()
    assert message.text == "Original"


@pytest.mark.django_db
def test_a_nul_is_refused_before_the_database_sees_it(person_in_32, room_32):
    """Today SQLite stores a NUL and PostgreSQL raises a DataError; now neither is asked."""
    with pytest.raises(services.ChatError):
        _send(person_in_32.user, room_32, "vorher\x00nachher")
    assert Message.objects.count() == 0
    # The transaction is still usable (no database error happened): a clean text goes in.
    assert _send(person_in_32.user, room_32, "vorher nachher").text == "vorher nachher"


@pytest.mark.django_db
def test_send_stores_a_spoofed_name_without_its_override(person_in_32, room_32):
    message = _send(person_in_32.user, room_32, f"Anhang: Rechnung_{RLO}fdp.exe")
    message.refresh_from_db()
    assert message.text == "Anhang: Rechnung_fdp.exe"
    assert RLO not in message.html


@pytest.mark.django_db
def test_room_names_and_topics_follow_the_policy(person_in_32):
    with pytest.raises(ValidationError) as refused:
        services.cross_office_room_create(
            creator=person_in_32.user, name="Projekt\x00", topic="\u200b\u200b"
        )
    assert set(refused.value.message_dict) == {"name", "topic"}
    assert not Room.objects.filter(kind=Room.Kind.CROSS_OFFICE).exists()
    with pytest.raises(ValidationError):
        services.cross_office_room_create(creator=person_in_32.user, name="\u200b\u2060")
    room = services.cross_office_room_create(
        creator=person_in_32.user, name=f" E-Akte {RLO}tkejorP ", topic=" "
    )
    room.refresh_from_db()
    assert (room.name, room.topic) == ("E-Akte tkejorP", "")


# --- The forms and the composer without JavaScript -----------------------------------------


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_the_message_form_gives_the_policys_reason(text, reason):
    form = MessageForm({"text": text})
    assert not form.is_valid()
    if reason == "empty" and not text.strip():
        # Only white space: Django's own "required", as before.
        assert form.has_error("text", "required")
    else:
        assert form.has_error("text", reason)
        assert form.errors["text"] == [str(REASONS[reason])]


@pytest.mark.django_db
def test_the_room_form_gives_the_policys_reasons():
    form = RoomForm({"name": "Raum\x00", "topic": f"Thema {RLO}"})
    assert not form.is_valid()
    assert form.has_error("name", "control")
    form = RoomForm({"name": f"Raum {RLO}eins", "topic": ""})
    assert form.is_valid()
    assert form.cleaned_data["name"] == "Raum eins"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["a\x00b", "\u200b\u200d", "x\ufffe"])
def test_the_composer_without_javascript_refuses_like_the_socket(client_32, room_32, text):
    response = client_32.post(
        reverse("chat:room_post", args=[room_32.pk]), {"text": text}, follow=True
    )
    assert response.status_code == 200
    assert not Message.objects.exists()
    shown = [str(message) for message in response.context["messages"]]
    assert any(reason in shown for reason in map(str, REASONS.values())), shown


@pytest.mark.django_db
def test_the_composer_without_javascript_strips_an_override(client_32, room_32):
    client_32.post(reverse("chat:room_post", args=[room_32.pk]), {"text": f"a{RLO}bc"})
    assert Message.objects.get().text == "abc"


@pytest.mark.django_db
def test_creating_a_room_with_a_nul_shows_a_field_error(client_32):
    response = client_32.post(reverse("chat:room_create"), {"name": "Raum\x00", "topic": ""})
    assert response.status_code == 200
    assert str(REASONS["control"]) in response.content.decode()
    assert not Room.objects.filter(kind=Room.Kind.CROSS_OFFICE).exists()


# --- The socket ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_the_socket_answers_a_refused_text_with_an_error_frame(client, person_in_32, room_32):
    socket = await open_socket(client, person_in_32.user)
    for text, reason in [("a\x00b", "control"), ("\ud800", "invalid_character")]:
        # json.dumps escapes both: the frame on the wire is valid UTF-8 JSON.
        frame = {"type": "send", "room": room_32.pk, "client_id": uuid.uuid4().hex, "text": text}
        await socket.send_to(text_data=json.dumps(frame))
        error = await receive_until(socket, "error")
        assert error["code"] == "invalid"
        assert error["message"] == str(REASONS[reason])
        assert error["ref"] == frame["client_id"]
    await socket.send_json_to({"type": "ping"})
    assert await receive_until(socket, "pong") == {"type": "pong"}
    assert not await Message.objects.aexists()
    await socket.disconnect()
