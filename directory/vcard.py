"""vCard 3.0 (RFC 2426) of a person, built only from what the viewer may see."""

import re

from django.utils.text import slugify

from directory.search import strip_accents


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 2425)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def vcard_for(released: dict) -> str:
    """The vCard of `released` (from `selectors.person_released`), nothing more."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(released['last_name'])};{_escape(released['first_name'])};;;",
        f"FN:{_escape(released['full_name'])}",
        f"UID:urn:uuid:{released['uuid']}",
        "ORG:" + ";".join(_escape(part) for part in ("Stadtverwaltung", released["unit"]["label"])),
    ]
    if released["function"]:
        lines.append(f"TITLE:{_escape(released['function'])}")
    if released["phone"]:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(released['phone'])}")
    if released.get("mobile"):
        lines.append(f"TEL;TYPE=CELL:{_escape(released['mobile'])}")
    if released["email"]:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(released['email'])}")
    if released["room"]:
        lines.append(f"ADR;TYPE=WORK:;{_escape(released['room'])};;;;;")
    notes = []
    if released["responsibilities"]:
        notes.append(f"Zuständigkeiten: {released['responsibilities']}")
    if released.get("topics"):
        notes.append(f"Themen: {released['topics']}")
    if released.get("languages"):
        notes.append(f"Sprachen: {released['languages']}")
    if notes:
        lines.append(f"NOTE:{_escape(chr(10).join(notes))}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def vcard_filename(released: dict) -> str:
    name = slugify(strip_accents(released["full_name"])) or "kontakt"
    return re.sub(r"[^a-z0-9-]", "", name) + ".vcf"
