"""Demo data of the staff directory (PORTAL.md section 7): units, people, deputies, topics,
voluntary data with various visibility settings and absences. Idempotent and deterministic."""

import datetime
import random
import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from directory import services as directory_services
from directory.models import OfficeRole, OrgUnit, Person, Visibility

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


# Common names for the search ("Ordnungsamt" finds Amt 32).
ALSO_KNOWN_AS = {
    "10": "Personalamt, Hauptamt",
    "12": "IT-Amt, Digitalisierungsamt",
    "17": "Presseamt",
    "20": "Kämmerei, Steueramt",
    "32": "Ordnungsamt",
    "37": "Feuerwehr",
    "36": "Umweltamt",
    "61": "Stadtplanungsamt",
}

# Responsibilities (Zuständigkeiten) per Sachgebiet or Abteilung, for "who handles X?".
RESPONSIBILITIES = {
    "10.1.1": "Personalakten, Reisekosten, Elternzeit",
    "10.1.2": "Ausbildung, Praktika, Duales Studium",
    "12.1.1": "Passwort zurücksetzen, Drucker, Softwareverteilung",
    "20.2.1": "Grundsteuer, Grundbesitzabgaben",
    "20.2.2": "Hundesteuer, Vergnügungssteuer, Zweitwohnungsteuer",
    "32.1.1": "Personalausweis, Reisepass, Meldebescheinigung",
    "32.1.2": "Personalausweis, Meldewesen, Führungszeugnis",
    "32.2.1": "Bußgeldbescheide, Anhörungen, Verwarnungen",
    "32.2.2": "Parküberwachung, Geschwindigkeitsmessung",
    "32.3": "Gaststättenerlaubnis, Gewerbeanmeldung, Sondernutzung",
    "50.2": "Wohngeld, Lastenzuschuss",
    "51.1": "Kita-Platzvergabe, Elternbeiträge",
    "66.1": "Baustellen, Straßensperrungen, Aufgrabungen",
}

LANGUAGES = [
    "Englisch",
    "Französisch",
    "Türkisch",
    "Polnisch",
    "Italienisch",
    "Spanisch",
    "Arabisch",
    "Russisch",
    "Kroatisch",
    "Deutsche Gebärdensprache",
]
TOPICS = [
    "Barrierefreiheit",
    "Excel",
    "E-Akte",
    "Datenschutz",
    "Ersthelfer*in",
    "Betriebssport",
    "Gesundheitsmanagement",
    "Fahrradfreundlicher Arbeitgeber",
    "Ausbildung",
    "Open Data",
]
ABOUT = [
    "Seit vielen Jahren im Haus und gern Ansprechperson für Neue.",
    "Ich bin dienstags und donnerstags im Homeoffice.",
    "Fragen zur E-Akte beantworte ich gern.",
    "Mitglied im Betriebssport-Team Fußball.",
]
VISIBILITIES = [Visibility.ALL, Visibility.AMT, Visibility.SELF]


class DirectoryDemo:
    """Seeds the directory; every step finds what a previous run created and updates it."""

    def __init__(self, *, people: int = 300, seed: int = 20261124):
        self.count = people
        self.rng = random.Random(seed)

    def seed(self) -> dict[str, OrgUnit]:
        directory_services.central_hr_group_ensure()
        units = self.seed_units()
        if self.count:
            self.seed_people(units=units, count=self.count)
        self.seed_demo_logins(units=units)
        self.seed_directory_details(units=units)
        return units

    def unit(self, *, kind, number, name, parent=None) -> OrgUnit:
        existing = OrgUnit.objects.filter(number=number).first()
        also_known_as = ALSO_KNOWN_AS.get(number, "")
        if existing is None:
            unit = directory_services.org_unit_create(
                kind=kind, number=number, name=name, parent=parent, actor=directory_services.SYSTEM
            )
            if also_known_as:
                unit = directory_services.org_unit_update(
                    unit=unit, also_known_as=also_known_as, actor=directory_services.SYSTEM
                )
            return unit
        if (existing.kind, existing.name, existing.parent_id, existing.also_known_as) != (
            kind,
            name,
            parent.pk if parent else None,
            also_known_as,
        ):
            return directory_services.org_unit_update(
                unit=existing,
                kind=kind,
                name=name,
                parent=parent,
                also_known_as=also_known_as,
                actor=directory_services.SYSTEM,
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
                personnel_number=personnel_number,
                user=user,
                **fields,
                actor=directory_services.SYSTEM,
            )
        changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        if existing.user_id != user.pk:
            changed["user"] = user
        if changed:
            return directory_services.person_update(
                person=existing, **changed, actor=directory_services.SYSTEM
            )
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
                        person=person,
                        amt=units[amt_number],
                        role=role,
                        actor=directory_services.SYSTEM,
                    )

    def seed_directory_details(self, *, units: dict[str, OrgUnit]) -> None:
        """Responsibilities, leaders, unit contacts, deputies, voluntary data and absences."""
        rng = random.Random(4711)  # separate from the people's generator: stable either way
        today = timezone.localdate()
        people = list(
            Person.objects.filter(is_active=True)
            .select_related("unit", "user")
            .order_by("personnel_number")
        )
        by_unit: dict[int, list[Person]] = {}
        for person in people:
            by_unit.setdefault(person.unit_id, []).append(person)
        for number, unit in sorted(units.items()):
            if unit.kind == OrgUnit.Kind.REFERAT:
                continue
            members = by_unit.get(unit.pk, [])
            contact = {
                "phone": f"0711 216-{sum(map(ord, number)) * 7 % 9000 + 1000}",
                "email": f"{slugify(ascii_fold(unit.name))[:40].strip('-')}@stadt.example",
                "address": (
                    "Marktplatz 1, 70173 Stuttgart"
                    if number < "30"
                    else "Eberhardstraße 33, 70173 Stuttgart"
                ),
            }
            leader = next((p for p in members if "leitung" in p.function.lower()), None)
            if leader is None and members:
                leader = members[0]
            changes = {k: v for k, v in contact.items() if getattr(unit, k) != v}
            if leader is not None and unit.leader_id != leader.pk:
                changes["leader"] = leader
            if changes:
                directory_services.org_unit_update(
                    unit=unit, **changes, actor=directory_services.SYSTEM
                )
        for index, person in enumerate(people):
            fields = {}
            responsibilities = RESPONSIBILITIES.get(person.unit.number, "")
            if responsibilities and person.responsibilities != responsibilities:
                directory_services.person_update(
                    person=person,
                    responsibilities=responsibilities,
                    actor=directory_services.SYSTEM,
                )
            colleagues = [p for p in by_unit.get(person.unit_id, []) if p.pk != person.pk]
            if colleagues:
                fields["deputy"] = colleagues[index % len(colleagues)]
            if index % 3 == 0:
                fields["languages"] = ", ".join(rng.sample(LANGUAGES, 2))
                fields["languages_visibility"] = VISIBILITIES[index % 3]
                fields["topics"] = ", ".join(rng.sample(TOPICS, 2))
                fields["topics_visibility"] = VISIBILITIES[(index // 3) % 3]
            if index % 5 == 0:
                fields["mobile"] = f"0151 {4000000 + index * 37:07d}"
                fields["mobile_visibility"] = VISIBILITIES[(index // 5) % 3]
            if index % 7 == 0:
                fields["about"] = ABOUT[index % len(ABOUT)]
                fields["about_visibility"] = VISIBILITIES[(index // 7) % 3]
            if index % 11 == 0:
                fields["absent_until"] = today + datetime.timedelta(days=3 + index % 14)
            elif person.absent_until and person.absent_until < today:
                fields["absent_until"] = None
            changed = {
                k: v for k, v in fields.items() if k != "absent_until" and getattr(person, k) != v
            }
            # Absences are relative to today; refresh them only when they have run out.
            if "absent_until" in fields and (
                person.absent_until is None
                or person.absent_until < today
                or fields["absent_until"] is None
            ):
                changed["absent_until"] = fields["absent_until"]
            if changed:
                directory_services.person_profile_update(person=person, **changed)
