"""The HR import of 20,000 rows vs PostgreSQL COPY of the same file, in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/import_staff.py [--rows 20000]

Writes a Windows-1252, semicolon-separated export of new people into units that exist,
loads it once with `COPY` into a table of the same columns (the reference), then imports it
with the portal (parse + apply: users, people, groups, search columns; one transaction), and
finally re-imports the unchanged file. Prints the times and the ratio (target, PORTAL.md
section 8: ≤ 20× COPY; re-import ≤ 5 s). The imported people are removed afterwards.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

PREFIX = "I"


def write_export(path: Path, rows: int) -> None:
    from directory.demo import FIRST_NAMES, FUNCTIONS, LAST_NAMES
    from directory.models import OrgUnit

    rng = random.Random(7)
    units = list(OrgUnit.objects.exclude(kind="referat").values_list("number", flat=True))
    lines = [
        "Personalnummer;Vorname;Nachname;Einheit;Funktion;Telefon;E-Mail;Raum;Eintritt;Austritt"
    ]
    for index in range(1, rows + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        lines.append(
            f"{PREFIX}{index:06d};{first};{last};{rng.choice(units)};{rng.choice(FUNCTIONS)};"
            f"0711 216-{rng.randint(10000, 99999)};import{index}@stadt.example;"
            f"Rathaus, Zi. {rng.randint(1, 6)}.{rng.randint(1, 150):03d};"
            f"01.0{rng.randint(1, 9)}.2015;"
        )
    # Windows-1252 has no "ş" or "ı"; real exports transliterate them.
    text = "\r\n".join(lines).replace("ş", "s").replace("ı", "i") + "\r\n"
    path.write_bytes(text.encode("cp1252"))


def copy_reference(path: Path) -> float:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_import_reference (personalnummer text, vorname text, "
            "nachname text, einheit text, funktion text, telefon text, email text, raum text, "
            "eintritt text, austritt text) ON COMMIT DROP"
        )
        started = time.perf_counter()
        with cursor.copy(
            "COPY bench_import_reference FROM STDIN "
            "WITH (FORMAT csv, HEADER true, DELIMITER ';', ENCODING 'WIN1252')"
        ) as copy:
            copy.write(path.read_bytes())
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_import_reference")
        assert cursor.fetchone()[0] > 0
    return elapsed


def clean_up() -> None:
    from django.contrib.auth import get_user_model

    from directory.models import Person

    Person.objects.filter(personnel_number__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith=PREFIX.lower() + "0").delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Bitte DATABASE_URL auf eine PostgreSQL-Datenbank setzen.")
    import django

    django.setup()
    from django.core.management import call_command

    from directory import hr_import

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", people=0, stdout=open(os.devnull, "w"))  # units and groups
    clean_up()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        write_export(path, args.rows)
        reference = copy_reference(path)

        started = time.perf_counter()
        plan = hr_import.staff_import_parse(path.read_bytes())
        assert not plan.errors, plan.errors[:3]
        hr_import.staff_import_apply(plan, actor=None)
        imported = time.perf_counter() - started
        assert plan.counts["created"] == args.rows, plan.counts

        started = time.perf_counter()
        again = hr_import.staff_import_parse(path.read_bytes())
        hr_import.staff_import_apply(again, actor=None)
        reimported = time.perf_counter() - started
        assert not again.has_changes
    clean_up()
    print(f"rows: {args.rows}")
    print(f"PostgreSQL COPY (reference): {reference * 1000:8.1f} ms")
    print(f"import_staff (new people):   {imported * 1000:8.1f} ms")
    print(f"ratio import/COPY: {imported / reference:.1f}× (target ≤ 20×)")
    print(f"re-import unchanged file:    {reimported * 1000:8.1f} ms (target ≤ 5 s)")


if __name__ == "__main__":
    main()
