"""The chat's one text policy (S3, S4): every way text enters the chat goes through here.

The socket (`send`, `edit`), the composer without JavaScript, room names and topics: the
services call `clean_text` before they store anything, and the socket and the forms only
turn its `TextRefused` into an error frame or a German field error. The rules are checked
in Python, so SQLite and PostgreSQL store exactly the same text (PostgreSQL refuses a NUL
on its own, SQLite would store it).

- **Refused:** control characters (C0 except tab and line breaks in messages, DEL, C1;
  in one-line fields also tab and line breaks), lone surrogates (`"\\ud800"` in JSON) and
  the Unicode non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF).
- **Removed:** the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069.
  They reorder the text around them ("Rechnung_\u202efdp.exe" shows as "Rechnung_exe.pdf"),
  and text pasted from word processors carries them, so they are dropped rather than
  refused. Right-to-left text still shows correctly without them (the Unicode bidi
  algorithm orders it by itself); the marks U+200E, U+200F and U+061C stay.
- **Empty:** a text that has nothing visible once white space and invisible characters
  (zero-width space and joiners, word joiner, BOM, soft hyphen, variation selectors,
  Hangul fillers, combining marks without a base …) are set aside is refused. The
  invisible characters themselves are kept in a text that has visible ones: emoji
  sequences and some scripts need the joiners.
- Line breaks are stored as "\\n"; leading and trailing white space is removed.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

REASONS = {
    "control": _("Der Text enthält unzulässige Steuerzeichen."),
    "invalid_character": _("Der Text enthält ungültige Zeichen."),
    "empty": _("Der Text ist leer. Unsichtbare Zeichen allein zählen nicht."),
    "too_long": _("Der Text ist zu lang."),
}

BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_BIDI_REMOVED = dict.fromkeys(BIDI_CONTROLS)

# Non-characters: U+FDD0–U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    re.escape(chr(plane * 0x10000 + 0xFFFE)) + re.escape(chr(plane * 0x10000 + 0xFFFF))
    for plane in range(0x11)
)
_ALWAYS_REFUSED = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}"
_REFUSED_IN_MESSAGES = re.compile(f"[{_ALWAYS_REFUSED}]")
_REFUSED_IN_ONE_LINE = re.compile(f"[{_ALWAYS_REFUSED}\t\n\r]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

# Letters and symbols that show nothing, although their category is not a format character.
_BLANK = {
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
    "\u2800",  # Braille pattern blank
    "\u034f",  # combining grapheme joiner
}
# Format characters (zero-width space and joiners, BOM, soft hyphen, tags …), marks
# without a base (variation selectors, combining accents), separators and white space.
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"}


class TextRefused(ValueError):
    """A text the chat does not store; `message` is the German reason for the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.message = REASONS[reason]


def _visible(char: str) -> bool:
    return char not in _BLANK and unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def has_visible_text(text: str) -> bool:
    return any(_visible(char) for char in text)


def clean_text(
    value: str, *, max_length: int | None = None, multiline: bool = False, required: bool = True
) -> str:
    """The text as the chat stores it, or TextRefused with the reason.

    `multiline`: a message (tab and line breaks allowed); otherwise a one-line field
    such as a room's name or topic. Not `required`: a blank text is "", but one made
    only of invisible characters is still refused.
    """
    if not required and not value.strip():
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value
    text = text.translate(_BIDI_REMOVED)
    refused = (_REFUSED_IN_MESSAGES if multiline else _REFUSED_IN_ONE_LINE).search(text)
    if refused is not None:
        raise TextRefused("control" if _CONTROL.match(refused.group()) else "invalid_character")
    text = text.strip()
    if not has_visible_text(text):
        raise TextRefused("empty")
    if max_length is not None and len(text) > max_length:
        raise TextRefused("too_long")
    return text
