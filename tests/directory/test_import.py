"""The HR import: good, bad and re-imported files in UTF-8 and Windows-1252, ; and , (S3, P9)."""

import pytest
from django.core.management import CommandError, call_command

from directory import hr_import, services
from directory.models import Person
from intranet.models import AuditEntry
from tests.support.factories import PersonFactory, abteilung

pytestmark = pytest.mark.django_db

HEADER = "Personalnummer;Vorname;Nachname;Einheit;Funktion;Telefon;E-Mail;Raum;Eintritt;Austritt"
GOOD_ROWS = [
    "100001;Jürgen;Häberle;32;Sachbearbeitung;0711 216-11111;juergen.haeberle@stadt.example;"
    "Rathaus 1.01;01.04.2010;",
    "100002;Ayşe;Öztürk;32.1;Bürgerservice;0711 216-22222;ayse.oeztuerk@stadt.example;"
    "Rathaus 2.02;2015-09-01;",
    "100003;Björn;Weiß;50;Sachbearbeitung Wohngeld;;bjoern.weiss@stadt.example;;;",
]


def csv_bytes(rows, *, encoding="utf-8-sig", delimiter=";", header=HEADER) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    if delimiter != ";":
        text = text.replace(";", delimiter)
    # Windows-1252 can't hold "ş": real exports from such systems transliterate it.
    if encoding == "cp1252":
        text = text.replace("ş", "s")
    return text.encode(encoding)


@pytest.fixture
def units(amt_32, amt_50):
    return {"32.1": abteilung(amt=amt_32, suffix="1")}


ENCODINGS = [("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", ";"), ("cp1252", ",")]


@pytest.mark.parametrize(("encoding", "delimiter"), ENCODINGS)
def test_good_file_dry_run_then_import_then_reimport(units, central_hr, encoding, delimiter):
    data = csv_bytes(GOOD_ROWS, encoding=encoding, delimiter=delimiter)
    before = Person.objects.count()

    plan = hr_import.staff_import_parse(data)
    assert plan.errors == []
    assert plan.counts["created"] == 3
    assert Person.objects.count() == before  # the dry run wrote nothing
    assert plan.encoding == ("Windows-1252" if encoding == "cp1252" else "UTF-8")

    hr_import.staff_import_apply(plan, actor=central_hr.user)
    juergen = Person.objects.get(personnel_number="100001")
    assert (juergen.first_name, juergen.last_name) == ("Jürgen", "Häberle")
    assert juergen.unit.number == "32"
    assert juergen.entry_date.isoformat() == "2010-04-01"
    assert juergen.user.groups.filter(name="Amt 32 – Mitarbeitende").exists()
    assert (
        Person.objects.get(personnel_number="100002")
        .user.groups.filter(name="Amt 32 – Mitarbeitende")
        .exists()
    )
    entry = AuditEntry.objects.get(action="directory.import")
    assert entry.actor == central_hr.user
    assert entry.changes["created"] == 3
    assert "Häberle" not in str(entry.changes) and "100001" not in str(entry.changes)

    again = hr_import.staff_import_parse(data)
    assert not again.has_changes and again.unchanged == 3
    assert "keine Änderungen" in " ".join(again.summary_lines(dry_run=False))
    hr_import.staff_import_apply(again, actor=central_hr.user)
    assert AuditEntry.objects.filter(action="directory.import").count() == 1


def test_imported_people_are_searchable(units, central_hr):
    from directory import selectors

    hr_import.staff_import_apply(
        hr_import.staff_import_parse(csv_bytes(GOOD_ROWS)), actor=services.SYSTEM
    )
    ids = selectors.person_search_ids(query="haberle", limit=10)
    assert [p.last_name for p in selectors.person_list_by_ids(ids=ids)] == ["Häberle"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bad_file_changes_nothing_and_reports_every_line(units, person_in_32, encoding):
    rows = [
        *GOOD_ROWS,
        "100004;;Leer;32;;;;;;",
        "100005;Max;Unbekannt;99;;;;;;",
        "100006;Eva;Mail;32;;;keine-adresse;;;",
        "100007;Tom;Datum;32;;;;;31.02.2020;",
        "100001;Doppelt;Eingetragen;32;;;;;;",
        "100008;Zu;Wenig;32",
        "100009;Ute;Rückwärts;32;;;;;01.01.2020;01.01.2019",
    ]
    before = list(Person.objects.values_list("pk", "first_name"))
    plan = hr_import.staff_import_parse(csv_bytes(rows, encoding=encoding))
    messages = {error.line: error.message for error in plan.errors}
    assert messages[5] == "Die Spalte „vorname“ ist leer."
    assert messages[6] == "Die Einheit „99“ gibt es nicht."
    assert "keine gültige E-Mail-Adresse" in messages[7]
    assert "kein Datum" in messages[8]
    assert messages[9] == "Personalnummer 100001 steht schon in Zeile 2."
    assert "Spalten" in messages[10]
    assert "vor dem Eintrittsdatum" in messages[11]
    assert plan.summary_lines(dry_run=True)[0].startswith("Die Datei enthält 7 Fehler")
    with pytest.raises(ValueError):
        hr_import.staff_import_apply(plan, actor=services.SYSTEM)
    assert list(Person.objects.values_list("pk", "first_name")) == before


def test_missing_columns_and_empty_file(units):
    assert "Pflichtspalten fehlen: einheit" in str(
        hr_import.staff_import_parse(b"Personalnummer;Vorname;Nachname\n1;a;b\n").errors[0]
    )
    assert str(hr_import.staff_import_parse(b"").errors[0]) == "Die Datei ist leer."


def test_updates_and_moves_follow_with_groups(units, amt_50, central_hr):
    hr_import.staff_import_apply(
        hr_import.staff_import_parse(csv_bytes(GOOD_ROWS)), actor=services.SYSTEM
    )
    moved = [GOOD_ROWS[0].replace(";32;Sachbearbeitung;", ";50;Teamleitung;"), *GOOD_ROWS[1:]]
    plan = hr_import.staff_import_parse(csv_bytes(moved))
    assert plan.counts["updated"] == 1 and plan.counts["unchanged"] == 2
    hr_import.staff_import_apply(plan, actor=central_hr.user)
    juergen = Person.objects.get(personnel_number="100001")
    assert juergen.function == "Teamleitung" and juergen.unit == amt_50
    groups = set(juergen.user.groups.values_list("name", flat=True))
    assert groups == {"Amt 50 – Mitarbeitende"}


def test_missing_people_are_deactivated_only_when_asked(units, person_in_32, central_hr):
    data = csv_bytes(GOOD_ROWS)
    hr_import.staff_import_apply(hr_import.staff_import_parse(data), actor=services.SYSTEM)
    assert hr_import.staff_import_parse(data).counts["deactivated"] == 0
    plan = hr_import.staff_import_parse(data, deactivate_missing=True)
    # Everyone not in the file: the fixture people (Lena Müller and the HR person).
    assert {p.pk for p in plan.deactivate} == {person_in_32.pk, central_hr.pk}
    hr_import.staff_import_apply(plan, actor=services.SYSTEM)
    person_in_32.refresh_from_db()
    assert not person_in_32.is_active and not person_in_32.user.is_active
    assert AuditEntry.objects.filter(action="directory.person.deactivate").count() == 0
    assert (
        AuditEntry.objects.filter(action="directory.import").latest("pk").changes["deactivated"]
        == 2
    )


def test_exit_date_in_the_past_deactivates(units, central_hr):
    hr_import.staff_import_apply(
        hr_import.staff_import_parse(csv_bytes(GOOD_ROWS)), actor=services.SYSTEM
    )
    leaving = [GOOD_ROWS[0] + "31.01.2020", *GOOD_ROWS[1:]]
    plan = hr_import.staff_import_parse(csv_bytes(leaving))
    assert plan.counts["deactivated"] == 1
    hr_import.staff_import_apply(plan, actor=services.SYSTEM)
    assert not Person.objects.get(personnel_number="100001").is_active


def test_management_command(units, tmp_path, capsys, central_hr):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS, encoding="cp1252"))
    call_command("import_staff", str(path), "--dry-run")
    assert "3 Personen würden angelegt." in capsys.readouterr().out
    assert not Person.objects.filter(personnel_number="100001").exists()
    call_command("import_staff", str(path), "--actor", central_hr.user.username)
    assert "3 Personen wurden angelegt." in capsys.readouterr().out
    path.write_bytes(csv_bytes(["1;a;b;77;;;;;;"]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))
    assert "Zeile 2: Die Einheit „77“ gibt es nicht." in capsys.readouterr().out


def test_admin_upload_view(client, units, central_hr, clerk_32):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk_32.user)
    assert client.get("/admin/personalimport/").status_code in (302, 403)
    client.force_login(central_hr.user)
    upload = SimpleUploadedFile("export.csv", csv_bytes(GOOD_ROWS), content_type="text/csv")
    response = client.post("/admin/personalimport/", {"file": upload, "dry_run": "on"})
    assert "3 Personen würden angelegt." in response.content.decode()
    assert not Person.objects.filter(personnel_number="100001").exists()
    upload = SimpleUploadedFile("export.csv", csv_bytes(GOOD_ROWS), content_type="text/csv")
    response = client.post("/admin/personalimport/", {"file": upload})
    assert "3 Personen wurden angelegt." in response.content.decode()
    assert Person.objects.filter(personnel_number="100001").exists()


def test_existing_person_keeps_voluntary_data(units, central_hr):
    person = PersonFactory(personnel_number="100001", unit=units["32.1"].parent)
    services.person_profile_update(person=person, mobile="0151 555")
    hr_import.staff_import_apply(
        hr_import.staff_import_parse(csv_bytes(GOOD_ROWS)), actor=services.SYSTEM
    )
    person.refresh_from_db()
    assert person.last_name == "Häberle" and person.mobile == "0151 555"


# --- Personnel numbers and logins (issue 12, items 6 and 8) -------------------------------


def row(number, first="Max", last="Muster", unit="32"):
    return f"{number};{first};{last};{unit};;;;;;"


def test_numbers_differing_only_in_case_are_a_row_error_in_the_dry_run(units):
    plan = hr_import.staff_import_parse(csv_bytes([row("AB100"), row("ab100", "Moritz")]))
    assert [str(error) for error in plan.errors] == [
        "Zeile 3: Personalnummer ab100 steht schon in Zeile 2 (als AB100); Groß- und "
        "Kleinschreibung zählen bei Personalnummern nicht."
    ]
    assert plan.create == []
    with pytest.raises(ValueError):
        hr_import.staff_import_apply(plan, actor=services.SYSTEM)
    assert not Person.objects.filter(personnel_number__iexact="ab100").exists()


def test_command_reports_a_case_collision_instead_of_an_integrity_error(units, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([row("AB100"), row("ab100", "Moritz")]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))
    assert "Zeile 3: Personalnummer ab100 steht schon in Zeile 2" in capsys.readouterr().out
    assert not Person.objects.filter(personnel_number__iexact="ab100").exists()


def test_admin_reports_a_case_collision_instead_of_500(client, units, central_hr):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(central_hr.user)
    data = csv_bytes([row("AB100"), row("ab100", "Moritz")])
    for dry_run in ({"dry_run": "on"}, {}):
        upload = SimpleUploadedFile("export.csv", data, content_type="text/csv")
        response = client.post("/admin/personalimport/", {"file": upload, **dry_run})
        assert response.status_code == 200
        assert "Personalnummer ab100 steht schon in Zeile 2" in response.content.decode()
    assert not Person.objects.filter(personnel_number__iexact="ab100").exists()


def test_number_differing_in_case_from_a_person_in_the_directory_is_a_row_error(units):
    existing = PersonFactory(personnel_number="AB100", unit=units["32.1"].parent)
    plan = hr_import.staff_import_parse(csv_bytes([row("ab100")]))
    assert [str(error) for error in plan.errors] == [
        "Zeile 2: Personalnummer ab100: Im Verzeichnis steht schon AB100; Groß- und "
        "Kleinschreibung zählen bei Personalnummern nicht. Bitte die Schreibweise an die "
        "vorhandene anpassen."
    ]
    # The exact spelling is the same person: an update, no error.
    same = hr_import.staff_import_parse(csv_bytes([row("AB100")]))
    assert same.errors == [] and [p.pk for p, _c in same.update] == [existing.pk]


def test_login_without_a_person_is_never_taken_over(units):
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.create_user("ab100", password="lokal-geheim-1")
    before = account.password
    for number in ("ab100", "AB100"):
        plan = hr_import.staff_import_parse(csv_bytes([row(number)]))
        assert [str(error) for error in plan.errors] == [
            f"Zeile 2: Personalnummer {number}: Es gibt schon ein Benutzerkonto „ab100“ ohne "
            "Person im Verzeichnis. Der Import übernimmt kein vorhandenes Konto; bitte das "
            "Konto im Admin prüfen (löschen oder umbenennen) und erneut importieren."
        ]
    account.refresh_from_db()
    assert account.password == before and not hasattr(account, "person")
    assert not Person.objects.filter(personnel_number__iexact="ab100").exists()


def test_login_differing_only_in_case_is_a_row_error(units):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("AB100")
    plan = hr_import.staff_import_parse(csv_bytes([row("ab100")]))
    assert "Benutzerkonto „AB100“ ohne Person" in str(plan.errors[0])


def test_login_of_another_person_is_a_row_error(units, person_in_32):
    number = person_in_32.user.username.upper()
    plan = hr_import.staff_import_parse(csv_bytes([row(number)]))
    assert [str(error) for error in plan.errors] == [
        f"Zeile 2: Personalnummer {number}: Das Benutzerkonto „{person_in_32.user.username}“ "
        f"gehört schon zur Personalnummer {person_in_32.personnel_number}."
    ]


def test_login_that_appears_after_the_dry_run_is_refused_inside_the_write(units, central_hr):
    from django.contrib.auth import get_user_model

    plan = hr_import.staff_import_parse(csv_bytes([row("ab100"), *GOOD_ROWS]))
    assert plan.errors == []
    get_user_model().objects.create_user("AB100", password="lokal-geheim-1")
    with pytest.raises(hr_import.ImportConflict):
        hr_import.staff_import_apply(plan, actor=central_hr.user)
    assert not Person.objects.filter(personnel_number__in=["ab100", "100001"]).exists()


def test_every_bad_row_is_reported_at_once(units, person_in_32):
    """A row error and a directory collision in the same file both show in one report."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("ab100")
    plan = hr_import.staff_import_parse(csv_bytes([row("ab100"), row("ab101", unit="99")]))
    assert [error.line for error in plan.errors] == [2, 3]


def test_row_errors_are_translated(units):
    from django.utils import translation

    with translation.override("en"):
        plan = hr_import.staff_import_parse(csv_bytes([row("AB100"), row("ab100", unit="99")]))
        assert [str(error) for error in plan.errors] == [
            "Line 3: The unit “99” does not exist.",
        ]
        plan = hr_import.staff_import_parse(csv_bytes([row("AB100"), row("ab100")]))
        assert str(plan.errors[0]).startswith("Line 3: Personnel number ab100 is already in")
        assert plan.summary_lines(dry_run=True)[0] == (
            "The file contains 1 errors; nothing was changed."
        )


def test_a_conflict_during_the_write_is_reported_not_raised(units, central_hr, monkeypatch):
    from django.contrib.auth import get_user_model

    parse = hr_import.staff_import_parse

    def parse_then_someone_creates_the_login(*args, **kwargs):
        plan = parse(*args, **kwargs)
        get_user_model().objects.create_user("ab100")
        return plan

    monkeypatch.setattr(hr_import, "staff_import_parse", parse_then_someone_creates_the_login)
    plan = hr_import.staff_import_run(
        csv_bytes([row("AB100"), *GOOD_ROWS]), actor=central_hr.user, dry_run=False
    )
    assert not plan.applied
    assert "kollidieren (ab100); es wurde nichts geändert" in plan.summary_lines(dry_run=False)[1]
    assert not Person.objects.filter(personnel_number__in=["AB100", "100001"]).exists()


# --- Encodings: nothing is ever imported with U+FFFD (issue 12, item 7) --------------------


def test_cp1250_export_read_as_windows_1252_names_every_undefined_byte(units):
    # Polish and Czech names from a Windows-1250 system: Ź is 0x8F and Ť is 0x8D there, two
    # of the five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) that Windows-1252 does not define.
    text = "\r\n".join([HEADER, row("200001", "Ździsław", "Ťoupalová"), row("200002")]) + "\r\n"
    data = text.encode("cp1250")
    assert b"\x8f" in data and b"\x8d" in data
    plan = hr_import.staff_import_parse(data)
    assert plan.encoding == "Windows-1252"
    assert [str(error) for error in plan.errors] == [
        "Die Datei ist kein gültiges Windows-1252: 2 Bytes sind darin nicht definiert (einzeln "
        "unten). Bitte die Datei als UTF-8 exportieren oder ihre Kodierung angeben und erneut "
        "importieren.",
        "Zeile 2, Spalte „vorname“: Das Byte 0x8F an Stelle 1 ist in Windows-1252 nicht definiert.",
        "Zeile 2, Spalte „nachname“: Das Byte 0x8D an Stelle 1 ist in Windows-1252 nicht "
        "definiert.",
    ]
    assert [(error.line, error.column) for error in plan.errors[1:]] == [
        (2, "vorname"),
        (2, "nachname"),
    ]
    assert plan.create == []
    assert not Person.objects.filter(personnel_number__in=["200001", "200002"]).exists()
    assert not Person.objects.filter(last_name__contains="\ufffd").exists()


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_each_byte_windows_1252_does_not_define_is_a_row_error(units, byte):
    data = (HEADER + "\r\n").encode() + b"200001;Max;Mu" + bytes([byte]) + b"ster;32;;;;;;\r\n"
    plan = hr_import.staff_import_parse(data)
    assert str(plan.errors[1]) == (
        f"Zeile 2, Spalte „nachname“: Das Byte 0x{byte:02X} an Stelle 3 ist in Windows-1252 "
        "nicht definiert."
    )


def test_the_chosen_encoding_reads_what_it_defines_and_refuses_what_it_does_not(
    units, tmp_path, capsys, central_hr
):
    text = "\r\n".join([HEADER, row("200001", "Ździsław", "Ťoupalová")]) + "\r\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1250"))
    call_command(
        "import_staff", str(path), "--encoding", "cp1250", "--actor", central_hr.user.username
    )
    assert "1 Zeilen gelesen (Windows-1250)." in capsys.readouterr().out
    person = Person.objects.get(personnel_number="200001")
    assert (person.first_name, person.last_name) == ("Ździsław", "Ťoupalová")
    # 0x98 is defined in Windows-1252 (˜) but not in Windows-1250.
    path.write_bytes((HEADER + "\r\n").encode() + b"200002;Max;Mu\x98ster;32;;;;;;\r\n")
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), "--encoding", "cp1250")
    assert (
        "Zeile 2, Spalte „nachname“: Das Byte 0x98 an Stelle 3 ist in Windows-1250 nicht definiert."
        in capsys.readouterr().out
    )
    assert not Person.objects.filter(personnel_number="200002").exists()


def test_broken_utf8_is_refused_not_read_as_windows_1252(units):
    """Mostly UTF-8 with one stray byte: not silently mis-read as Windows-1252 ("JÃ¼rgen")."""
    data = csv_bytes(GOOD_ROWS).replace("Häberle".encode(), b"H\xe4berle")
    plan = hr_import.staff_import_parse(data)
    assert plan.encoding == "UTF-8"
    assert str(plan.errors[1]) == (
        "Zeile 2, Spalte „nachname“: Das Byte 0xE4 an Stelle 2 ist in UTF-8 nicht definiert."
    )
    assert plan.create == []


def test_replacement_characters_and_control_characters_are_refused(units):
    plan = hr_import.staff_import_parse(
        csv_bytes([row("200001", "J\ufffdrgen"), row("200002", "Max", "Mu\x00ster")])
    )
    assert [str(error) for error in plan.errors] == [
        "Zeile 2, Spalte „vorname“: An Stelle 2 steht das Ersatzzeichen U+FFFD: Die Datei wurde "
        "schon vor dem Import falsch umgewandelt.",
        "Zeile 3, Spalte „nachname“: An Stelle 3 steht das Steuerzeichen U+0000; es ist nicht "
        "erlaubt.",
    ]


def test_undefined_byte_in_the_header_and_an_unclosed_quote_are_errors(units):
    header = HEADER.encode().replace(b"Raum", b"R\x81um")
    plan = hr_import.staff_import_parse(header + b"\r\n" + row("200001").encode() + b"\r\n")
    assert "Zeile 1, Spalte „8“: Das Byte 0x81 an Stelle 2" in str(plan.errors[1])
    huge = csv_bytes([row("200001"), '200002;"Max;Muster;32;;;;;;' + "x" * 200_000])
    plan = hr_import.staff_import_parse(huge)
    assert "kein gültiges CSV" in str(plan.errors[-1])


# --- Who may import, and all or nothing (issue 11, item 4) --------------------------------


@pytest.mark.parametrize("who", ["nobody", "clerk", "employee"])
def test_apply_checks_its_actor(units, clerk_32, person_in_32, who):
    from django.core.exceptions import PermissionDenied

    actor = {"nobody": None, "clerk": clerk_32.user, "employee": person_in_32.user}[who]
    plan = hr_import.staff_import_parse(csv_bytes(GOOD_ROWS))
    assert plan.errors == [] and plan.has_changes
    with pytest.raises(PermissionDenied):
        hr_import.staff_import_apply(plan, actor=actor)
    with pytest.raises(PermissionDenied):
        hr_import.staff_import_run(csv_bytes(GOOD_ROWS), actor=actor, dry_run=True)
    assert not Person.objects.filter(personnel_number__in=["100001", "100002"]).exists()
    assert not AuditEntry.objects.filter(action="directory.import").exists()


def test_apply_places_people_only_in_units_the_actor_maintains(
    units, central_hr, amt_50, monkeypatch
):
    from django.core.exceptions import PermissionDenied

    from directory import permissions
    from directory.models import OrgUnit

    plan = hr_import.staff_import_parse(csv_bytes(GOOD_ROWS))
    # Should the right to import ever widen beyond central HR, the scope still holds.
    monkeypatch.setattr(
        permissions, "units_managed_by", lambda user: OrgUnit.objects.exclude(pk=amt_50.pk)
    )
    with pytest.raises(PermissionDenied):
        hr_import.staff_import_apply(plan, actor=central_hr.user)
    assert not Person.objects.filter(personnel_number="100003").exists()


def test_command_runs_as_the_system_or_as_a_named_importer(
    units, tmp_path, capsys, central_hr, clerk_32
):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    with pytest.raises(CommandError, match="nur die zentrale Personalverwaltung"):
        call_command("import_staff", str(path), "--actor", clerk_32.user.username)
    assert not Person.objects.filter(personnel_number="100001").exists()
    call_command("import_staff", str(path))
    assert "3 Personen wurden angelegt." in capsys.readouterr().out
    assert AuditEntry.objects.get(action="directory.import").actor is None


def test_a_failure_in_the_middle_of_the_write_changes_nothing(
    units, central_hr, person_in_32, monkeypatch
):
    """Creates, updates and offboarding are one transaction: the last step failing undoes the
    first (S3)."""
    hr_import.staff_import_apply(
        hr_import.staff_import_parse(csv_bytes(GOOD_ROWS[:1])), actor=central_hr.user
    )
    changed = [GOOD_ROWS[0].replace(";Sachbearbeitung;", ";Teamleitung;"), *GOOD_ROWS[1:]]
    plan = hr_import.staff_import_parse(csv_bytes(changed), deactivate_missing=True)
    assert plan.counts["created"] == 2 and plan.counts["updated"] == 1
    assert plan.counts["deactivated"] == 2  # Lena Müller and the HR person

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "person_deactivate", fail)
    with pytest.raises(RuntimeError):
        hr_import.staff_import_apply(plan, actor=central_hr.user)
    assert not Person.objects.filter(personnel_number__in=["100002", "100003"]).exists()
    assert Person.objects.get(personnel_number="100001").function == "Sachbearbeitung"
    assert AuditEntry.objects.filter(action="directory.import").count() == 1


# --- Values that look like formulas (issue 12, HR import, last item) ----------------------


def test_values_starting_like_a_formula_are_stored_as_typed_and_exported_exactly(
    units, central_hr, person_in_32, client
):
    """Stored as typed: "+49 …" is a phone number, "-Meier" a name. Only CSV, which a
    spreadsheet would run, neutralises them (tests/intranet/test_exports.py); vCard and JSON
    are read by address books and programs and must stay exact (GDPR Art. 20)."""
    typed = {
        "last_name": "-Meier",
        "function": '=HYPERLINK("https://boese.example";"Details")',
        "phone": "+49 711 216-0",
        "room": "@Rathaus 1.01",
    }
    quoted = '"' + typed["function"].replace('"', '""') + '"'
    line = f"200001;Max;{typed['last_name']};32;{quoted};{typed['phone']};;{typed['room']};;"
    plan = hr_import.staff_import_parse(csv_bytes([line]))
    assert plan.errors == []
    hr_import.staff_import_apply(plan, actor=central_hr.user)
    person = Person.objects.get(personnel_number="200001")
    assert {name: getattr(person, name) for name in typed} == typed

    client.force_login(person_in_32.user)
    released = client.get(f"/personen/api/personen/{person.uuid}/").json()
    assert {name: released[name] for name in typed} == typed
    lines = client.get(f"/personen/{person.uuid}/vcard/").content.decode()
    lines = lines.replace("\r\n ", "").split("\r\n")
    assert "TEL;TYPE=WORK,VOICE:+49 711 216-0" in lines
    assert "N:-Meier;Max;;;" in lines
