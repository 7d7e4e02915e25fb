"""Seed realistic German demo data (PORTAL.md section 7); safe to run again and again."""

import random
import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from chat.demo import seed_chat
from directory import services as directory_services
from directory.models import OfficeRole, OrgUnit, Person

DEMO_PASSWORD = "Portal-Demo-2026"

REFERATE = [
    ("AKR", "Referat Allgemeine Verwaltung, Kultur und Recht"),
    ("WFB", "Referat Finanzen, Beteiligungen und Sport"),
    ("SOS", "Referat Sicherheit, Ordnung und Sport"),
    ("SI", "Referat Soziales und gesellschaftliche Integration"),
    ("SWU", "Referat Städtebau, Wohnen und Umwelt"),
]

# Amt number, name, Referat, Abteilungen (number suffix, name, Sachgebiete).
AEMTER = [
    (
        "10",
        "Haupt- und Personalamt",
        "AKR",
        [
            ("1", "Personalverwaltung", ["Personalsachbearbeitung", "Ausbildung"]),
            ("2", "Organisation und Recht", []),
        ],
    ),
    (
        "12",
        "Amt für Digitalisierung, Organisation und IT",
        "AKR",
        [
            ("1", "IT-Betrieb", ["Service Desk", "Rechenzentrum"]),
            ("2", "Digitale Verwaltung", []),
        ],
    ),
    (
        "17",
        "Amt für Kommunikation",
        "AKR",
        [
            ("1", "Presse und Öffentlichkeitsarbeit", []),
            ("2", "Interne Kommunikation", []),
        ],
    ),
    (
        "20",
        "Kämmereiamt",
        "WFB",
        [
            ("1", "Haushalt", ["Haushaltsplanung", "Haushaltsvollzug"]),
            ("2", "Steuern und Abgaben", ["Grundsteuer", "Hundesteuer und Vergnügungssteuer"]),
        ],
    ),
    (
        "23",
        "Liegenschaftsamt",
        "WFB",
        [
            ("1", "Grundstücksverkehr", []),
            ("2", "Gebäudeverwaltung", []),
        ],
    ),
    (
        "32",
        "Amt für öffentliche Ordnung",
        "SOS",
        [
            ("1", "Bürgerservice", ["Bürgerbüro Mitte", "Bürgerbüro Bad Cannstatt"]),
            ("2", "Verkehr und Bußgeld", ["Bußgeldstelle", "Verkehrsüberwachung"]),
            ("3", "Gewerbe und Gaststätten", []),
        ],
    ),
    (
        "37",
        "Branddirektion",
        "SOS",
        [
            ("1", "Einsatz und Rettungsdienst", []),
            ("2", "Vorbeugender Brandschutz", []),
        ],
    ),
    (
        "50",
        "Sozialamt",
        "SI",
        [
            ("1", "Grundsicherung", ["Grundsicherung im Alter", "Hilfe zum Lebensunterhalt"]),
            ("2", "Wohngeld", []),
        ],
    ),
    (
        "51",
        "Jugendamt",
        "SI",
        [
            ("1", "Kindertagesbetreuung", []),
            ("2", "Soziale Dienste", []),
        ],
    ),
    (
        "36",
        "Amt für Umweltschutz",
        "SWU",
        [
            ("1", "Immissionsschutz", []),
            ("2", "Wasser und Boden", []),
        ],
    ),
    (
        "61",
        "Amt für Stadtplanung und Wohnen",
        "SWU",
        [
            ("1", "Stadtentwicklung", []),
            ("2", "Wohnungswesen", []),
        ],
    ),
    (
        "66",
        "Tiefbauamt",
        "SWU",
        [
            ("1", "Straßenbau", []),
            ("2", "Brücken und Ingenieurbauwerke", []),
        ],
    ),
]

FIRST_NAMES = [
    "Jürgen",
    "Jörg",
    "Björn",
    "Sören",
    "Günter",
    "Anja",
    "Lena",
    "Zoë",
    "Maximilian",
    "Sophie",
    "Mehmet",
    "Ayşe",
    "Katharina",
    "Felix",
    "Hannah",
    "Lukas",
    "Marie",
    "Tobias",
    "Elif",
    "Stefan",
    "Sabine",
    "Andreas",
    "Claudia",
    "Thomas",
    "Julia",
    "Michael",
    "Nadine",
    "Ömer",
    "Jana",
    "Christian",
    "Miriam",
    "Dominik",
    "Lea",
    "Matthias",
    "Franziska",
    "Jonas",
    "Ursula",
    "Hans-Peter",
    "Anneliese",
    "Käthe",
    "Malte",
    "Ines",
    "Dragan",
    "Agnieszka",
    "Bärbel",
    "Timo",
    "Svenja",
    "Niklas",
    "Carola",
    "Henrik",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schmitt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitz",
    "Krause",
    "Meier",
    "Köhler",
    "Weiß",
    "Groß",
    "Jäger",
    "Böhm",
    "Möller",
    "Häberle",
    "Bäuerle",
    "Wöhrle",
    "Günther",
    "Özdemir",
    "Yılmaz",
    "Kowalski",
    "Nguyen",
    "Frühauf",
    "Straßer",
    "Kübler",
    "Dürr",
    "Maier",
    "Haug",
    "Brückner",
]
FUNCTIONS = [
    "Sachbearbeitung",
    "Sachbearbeitung",
    "Sachbearbeitung",
    "Sachbearbeitung",
    "Teamassistenz",
    "Fachkraft für Verwaltung",
    "Referent*in",
    "Projektleitung",
    "Auszubildende*r",
    "Systemadministration",
]
BUILDINGS = ["Rathaus", "Technisches Rathaus", "Verwaltungsgebäude Eberhardstraße", "Amtshaus Nord"]

# username, first name, last name, unit number, function, role grants, central HR, superuser
DEMO_LOGINS = [
    ("hr", "Jana", "Schäfer", "10.1.1", "Personalsachbearbeitung (zentral)", [], True, False),
    (
        "dm32",
        "Özlem",
        "Yılmaz",
        "32.1",
        "Sachbearbeitung, Digital Mover",
        [("32", OfficeRole.Role.DIGITAL_MOVER)],
        False,
        False,
    ),
    (
        "dm50",
        "Jörg",
        "Weiß",
        "50.2",
        "Sachbearbeitung, Digital Mover",
        [("50", OfficeRole.Role.DIGITAL_MOVER)],
        False,
        False,
    ),
    ("ma32", "Lena", "Müller", "32.2.1", "Sachbearbeitung Bußgeldstelle", [], False, False),
    ("ma20", "Björn", "Köhler", "20.2.2", "Sachbearbeitung Hundesteuer", [], False, False),
    ("admin", "Sören", "Groß", "12.1.2", "Systemadministration (IT-Betrieb)", [], False, True),
]
DEMO_LOGIN_ROLES = {
    "hr": "Personalverwaltung (zentral), pflegt das Personenverzeichnis",
    "dm32": "Digital Mover im Amt 32 – Amt für öffentliche Ordnung",
    "dm50": "Digital Mover im Amt 50 – Sozialamt",
    "ma32": "Mitarbeitende im Amt 32 – Amt für öffentliche Ordnung",
    "ma20": "Mitarbeitende im Amt 20 – Kämmereiamt",
    "admin": "IT-Betrieb, Administration (liest keine Chats)",
}


def ascii_fold(text: str) -> str:
    replacements = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
    for source, target in replacements.items():
        text = text.replace(source, target)
    text = text.replace("ı", "i")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class Command(BaseCommand):
    help = "Legt die Demodaten an oder aktualisiert sie (wiederholbar)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300, help="Anzahl der Personen")

    @transaction.atomic
    def handle(self, *args, people: int, **options):
        self.rng = random.Random(20261124)
        directory_services.central_hr_group_ensure()
        units = self.seed_units()
        self.seed_people(units=units, count=people)
        self.seed_demo_logins(units=units)
        seed_chat()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodaten bereit: {OrgUnit.objects.count()} Organisationseinheiten, "
                f"{Person.objects.count()} Personen."
            )
        )
        self.stdout.write(f"Demo-Anmeldungen (Passwort für alle: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGIN_ROLES.items():
            self.stdout.write(f"  {username:<6} {role}")

    def unit(self, *, kind, number, name, parent=None) -> OrgUnit:
        existing = OrgUnit.objects.filter(number=number).first()
        if existing is None:
            return directory_services.org_unit_create(
                kind=kind, number=number, name=name, parent=parent
            )
        if (existing.kind, existing.name, existing.parent_id) != (
            kind,
            name,
            parent.pk if parent else None,
        ):
            return directory_services.org_unit_update(
                unit=existing, kind=kind, name=name, parent=parent
            )
        return existing

    def seed_units(self) -> dict[str, OrgUnit]:
        units: dict[str, OrgUnit] = {}
        for number, name in REFERATE:
            units[number] = self.unit(kind=OrgUnit.Kind.REFERAT, number=number, name=name)
        for number, name, referat, abteilungen in AEMTER:
            amt = self.unit(kind=OrgUnit.Kind.AMT, number=number, name=name, parent=units[referat])
            units[number] = amt
            for suffix, abteilung_name, sachgebiete in abteilungen:
                abteilung_number = f"{number}.{suffix}"
                abteilung = self.unit(
                    kind=OrgUnit.Kind.ABTEILUNG,
                    number=abteilung_number,
                    name=abteilung_name,
                    parent=amt,
                )
                units[abteilung_number] = abteilung
                for index, sachgebiet_name in enumerate(sachgebiete, start=1):
                    sachgebiet_number = f"{abteilung_number}.{index}"
                    units[sachgebiet_number] = self.unit(
                        kind=OrgUnit.Kind.SACHGEBIET,
                        number=sachgebiet_number,
                        name=sachgebiet_name,
                        parent=abteilung,
                    )
        return units

    def person(self, *, personnel_number, username, password=None, **fields) -> Person:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                email=fields["email"],
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()  # SSO in production; demo people can't log in
            user.save()
        existing = Person.objects.filter(personnel_number=personnel_number).first()
        if existing is None:
            return directory_services.person_create(
                personnel_number=personnel_number, user=user, **fields
            )
        changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        if existing.user_id != user.pk:
            changed["user"] = user
        if changed:
            return directory_services.person_update(person=existing, **changed)
        return existing

    def seed_people(self, *, units: dict[str, OrgUnit], count: int) -> None:
        workplaces = [unit for unit in units.values() if unit.kind != OrgUnit.Kind.REFERAT]
        used_emails: set[str] = set()
        for index in range(1, count + 1):
            first = self.rng.choice(FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
            unit = self.rng.choice(workplaces)
            local = ascii_fold(f"{first}.{last}".lower().replace(" ", ""))
            email = f"{local}@stadt.example"
            if email in used_emails:
                email = f"{local}{index}@stadt.example"
            used_emails.add(email)
            function = (
                "Amtsleitung"
                if unit.kind == OrgUnit.Kind.AMT and index % 7 == 0
                else (self.rng.choice(FUNCTIONS))
            )
            self.person(
                personnel_number=f"P{index:06d}",
                username=f"p{index:06d}",
                first_name=first,
                last_name=last,
                unit=unit,
                function=function,
                phone=f"0711 216-{self.rng.randint(10000, 99999)}",
                email=email,
                room=self.room(),
            )

    def room(self) -> str:
        floor, number = self.rng.randint(1, 6), self.rng.randint(1, 150)
        return f"{self.rng.choice(BUILDINGS)}, Zi. {floor}.{number:03d}"

    def seed_demo_logins(self, *, units: dict[str, OrgUnit]) -> None:
        for index, (
            username,
            first,
            last,
            unit_number,
            function,
            grants,
            central_hr,
            superuser,
        ) in enumerate(DEMO_LOGINS, start=1):
            person = self.person(
                personnel_number=f"D{index:06d}",
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                unit=units[unit_number],
                function=function,
                phone=f"0711 216-{90000 + index}",
                email=f"{ascii_fold(first).lower()}.{ascii_fold(last).lower()}@stadt.example",
                room=f"Rathaus, Zi. 1.{100 + index}",
            )
            user = person.user
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = superuser
            user.save()
            if central_hr:
                user.groups.add(Group.objects.get(name=directory_services.CENTRAL_HR_GROUP_NAME))
            for amt_number, role in grants:
                if not OfficeRole.objects.filter(
                    person=person, amt=units[amt_number], role=role
                ).exists():
                    directory_services.office_role_grant(
                        person=person, amt=units[amt_number], role=role
                    )
