"""The vCard: RFC 2426 content built from the released data only."""

import pytest

from directory import services, vcard
from directory.models import Visibility
from tests.support.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_vcard_content(client_32, amt_32):
    person = PersonFactory(
        unit=amt_32,
        first_name="Jürgen",
        last_name="Häberle; Sohn",
        function="Sachbearbeitung, Bußgeld",
        phone="0711 216-12345",
        email="juergen.haeberle@stadt.example",
        room="Rathaus, Zi. 1.101",
    )
    services.person_profile_update(
        person=person, mobile="0151 2223334", mobile_visibility=Visibility.ALL
    )
    response = client_32.get(f"/personen/{person.uuid}/vcard/")
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="jurgen-haberle-sohn.vcf"'
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert "N:Häberle\\; Sohn;Jürgen;;;" in lines
    assert "FN:Jürgen Häberle\\; Sohn" in lines
    assert "TITLE:Sachbearbeitung\\, Bußgeld" in lines
    assert "TEL;TYPE=WORK,VOICE:0711 216-12345" in lines
    assert "TEL;TYPE=CELL:0151 2223334" in lines
    assert "EMAIL;TYPE=INTERNET,WORK:juergen.haeberle@stadt.example" in lines
    assert f"UID:urn:uuid:{person.uuid}" in lines
    assert "ORG:Stadtverwaltung;32 – Amt für öffentliche Ordnung" in lines
    assert person.personnel_number not in text


def test_long_lines_are_folded():
    released = {
        "uuid": "u",
        "first_name": "A",
        "last_name": "B",
        "full_name": "A B",
        "function": "Ä" * 80,
        "unit": {"label": "X"},
        "phone": "",
        "email": "",
        "room": "",
        "responsibilities": "",
    }
    text = vcard.vcard_for(released)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "TITLE:" + "Ä" * 80 in text.replace("\r\n ", "")
