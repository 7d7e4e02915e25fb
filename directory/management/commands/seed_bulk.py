"""A large realistic directory for benchmarks: `manage.py seed_bulk --people 20000`."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from directory import search
from directory.demo import (
    BUILDINGS,
    FIRST_NAMES,
    FUNCTIONS,
    LAST_NAMES,
    RESPONSIBILITIES,
    DirectoryDemo,
    ascii_fold,
)
from directory.hr_import import person_rows_create
from directory.models import OrgUnit, Person

PREFIX = "B"
# 20,000 people need more surnames than the demo's fifty common ones: those stay frequent
# (as "Müller" is), the rest come from a few hundred composed ones.
NAME_STARTS = [
    "Al",
    "Ber",
    "Dorn",
    "Eich",
    "Fel",
    "Gold",
    "Hag",
    "Kirch",
    "Lin",
    "Mar",
    "Nord",
    "Ost",
    "Rein",
    "Sand",
    "Stein",
    "Wald",
    "Wies",
    "Zell",
    "Bach",
    "Brun",
    "Eng",
    "Frei",
    "Grün",
    "Hein",
    "Kal",
    "Lang",
    "Mohr",
    "Reut",
    "Rott",
    "Schön",
]
NAME_ENDS = [
    "bach",
    "berg",
    "mann",
    "er",
    "hofer",
    "inger",
    "ler",
    "bauer",
    "brand",
    "dorf",
    "feld",
    "haus",
    "meier",
    "rich",
    "stetter",
    "wald",
    "acker",
    "huber",
]
COMPOSED = [start + end for start in NAME_STARTS for end in NAME_ENDS]


class Command(BaseCommand):
    help = "Legt viele Personen für Lasttests an (wiederholbar, ergänzt nur fehlende)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20000)

    @transaction.atomic
    def handle(self, *args, people: int, **options):
        rng = random.Random(424242)
        units = DirectoryDemo(people=0).seed_units()
        workplaces = [u for u in units.values() if u.kind != OrgUnit.Kind.REFERAT]
        existing = set(
            Person.objects.filter(personnel_number__startswith=PREFIX).values_list(
                "personnel_number", flat=True
            )
        )
        rows = []
        for index in range(1, people + 1):
            first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES) if rng.random() < 0.3 else rng.choice(COMPOSED)
            unit = rng.choice(workplaces)
            number = f"{PREFIX}{index:06d}"
            floor, room = rng.randint(1, 6), rng.randint(1, 150)
            row = {
                "personnel_number": number,
                "first_name": first,
                "last_name": last,
                "unit_id": unit.pk,
                "function": rng.choice(FUNCTIONS),
                "phone": f"0711 216-{rng.randint(10000, 99999)}",
                "email": f"{ascii_fold(first + '.' + last).lower()}.{index}@stadt.example",
                "room": f"{rng.choice(BUILDINGS)}, Zi. {floor}.{room:03d}",
                "responsibilities": RESPONSIBILITIES.get(unit.number, ""),
            }
            if number not in existing:
                rows.append(row)
        created = person_rows_create(rows, reuse_logins=True)
        search.search_statistics_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(created)} Personen angelegt; insgesamt {Person.objects.count()} Personen."
            )
        )
