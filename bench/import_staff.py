"""The HR import of 20,000 rows vs PostgreSQL COPY of the same file, in the same run.

    python -m bench.import_staff        # BENCH_IMPORT_ROWS, BENCH_QUICK

Writes a Windows-1252, semicolon-separated export of new people into units that exist and
loads it with `COPY` into a plain table of the same columns, COMMIT included (the
reference: the least the database must do to store the rows durably). Then it imports the
file with the portal (parse + apply: users, people, groups, search columns; one
transaction) and re-imports the unchanged file. Target (PORTAL.md section 8): ≤ 20× COPY;
re-import ≤ 5 s, an absolute target, beside which a second COPY is reported as a scale for
this machine. The imported people are removed afterwards (and before, should an earlier
run have been interrupted).
"""

import random
import tempfile
import time
from pathlib import Path

from bench.common import (
    database_prepare,
    demo_seed,
    django_setup,
    portal_environment,
    report,
    size,
)

PREFIX = "I"
TARGET_RATIO, TARGET_REIMPORT_SECONDS = 20.0, 5.0


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
    """COPY of the file into a plain (logged) table of the same columns, with its COMMIT:
    the least the database must do to store these rows durably."""
    from django.db import connection, transaction

    table = "bench_import_reference"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {table} (personalnummer text, vorname text, nachname text, "
            "einheit text, funktion text, telefon text, email text, raum text, "
            "eintritt text, austritt text)"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {table} FROM STDIN "
            "WITH (FORMAT csv, HEADER true, DELIMITER ';', ENCODING 'WIN1252')"
        ) as copy:
            copy.write(path.read_bytes())
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_import_reference")
        assert cursor.fetchone()[0] > 0
        cursor.execute(f"DROP TABLE {table}")
    return elapsed


def clean_up() -> None:
    from django.contrib.auth import get_user_model

    from directory.models import Person

    Person.objects.filter(personnel_number__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith=PREFIX.lower() + "0").delete()


def main():
    rows = size("BENCH_IMPORT_ROWS", 20000, 5000)
    env = portal_environment()
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("The reference is PostgreSQL COPY: BENCH_DATABASE_URL must be postgres.")
    database_prepare(env)
    demo_seed(env)  # units and groups
    django_setup(env)
    from directory import hr_import, services

    clean_up()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        write_export(path, rows)
        reference = copy_reference(path)

        started = time.perf_counter()
        plan = hr_import.staff_import_parse(path.read_bytes())
        assert not plan.errors, plan.errors[:3]
        hr_import.staff_import_apply(plan, actor=services.SYSTEM)
        imported = time.perf_counter() - started
        assert plan.counts["created"] == rows, plan.counts

        started = time.perf_counter()
        again = hr_import.staff_import_parse(path.read_bytes())
        hr_import.staff_import_apply(again, actor=services.SYSTEM)
        reimported = time.perf_counter() - started
        assert not again.has_changes
        copy_again = copy_reference(path)
    clean_up()
    print(f"rows: {rows}")
    print(f"PostgreSQL COPY (reference): {reference * 1000:8.1f} ms")
    print(f"import_staff (new people):   {imported * 1000:8.1f} ms")
    print(f"re-import unchanged file:    {reimported * 1000:8.1f} ms")
    ratio = imported / reference
    report(
        name=f"HR import of {rows:,} new people",
        value=imported,
        unit="s",
        reference=reference,
        ratio=ratio,
        target=f"≤ {TARGET_RATIO:.0f}× COPY",
        met=ratio <= TARGET_RATIO,
        note="parse + apply in one transaction; reference: COPY of the same file",
    )
    report(
        name=f"HR re-import of the unchanged file ({rows:,} rows)",
        value=reimported,
        unit="s",
        reference=copy_again,
        ratio=reimported / copy_again,
        target=f"≤ {TARGET_REIMPORT_SECONDS:.0f} s",
        met=reimported <= TARGET_REIMPORT_SECONDS,
        note="nothing changes; reference: a second COPY of the file",
    )


if __name__ == "__main__":
    main()
