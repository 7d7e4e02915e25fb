"""Demo chat that looks like a working day: the Amt rooms, a cross-office room, a few direct
conversations and three days of history in Amt 32's room, at plausible office hours. It is
idempotent: a message whose client id exists is not sent again."""

# ruff: noqa: E501 (the demo's sentences read better whole than split)

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from chat import services
from chat.models import Message, Room
from directory.models import Person
from intranet import ratelimit

CROSS_OFFICE_NAME = "Digitalisierung ämterübergreifend"

# Three working days in the Amt 32 room, oldest first; "k1"/"k2" are colleagues from the
# directory (the first people of Amt 32 with an account). One list per day.
AMT_32_DAYS = [
    [
        ("ma32", "Guten Morgen! Ist heute jemand am Infoschalter eingeteilt?"),
        ("k1", "Ich bin bis 12 Uhr am Schalter."),
        ("k2", "Ab 12 übernehme ich."),
        ("dm32", "Danke euch. Denkt bitte an die neue Öffnungszeit am Donnerstag: bis 18 Uhr."),
        ("k1", "Steht das schon auf der Website?"),
        ("dm32", "Ja, seit gestern."),
        ("ma32", "Die Liste der offenen Widersprüche liegt jetzt im Teamordner."),
        ("k2", "Super, ich schaue sie mir nach der Mittagspause an."),
        ("k1", "Kann jemand meine Vertretung am Montag übernehmen? Ich bin auf Fortbildung."),
        ("ma32", "Mache ich."),
        ("k1", "Danke!"),
        ("dm32", "Zur Info: Das WLAN im Besprechungsraum ist wieder stabil."),
    ],
    [
        (
            "dm32",
            "Guten Morgen! Kurze Info: Die Fachanwendung für Gewerbeanmeldungen wird heute ab 16 Uhr aktualisiert.",
        ),
        ("k1", "Danke für den Hinweis. Wie lange dauert das ungefähr?"),
        ("dm32", "Etwa eine Stunde. Bitte bis dahin alle offenen Vorgänge speichern."),
        ("ma32", "Gilt das auch für die Außenstelle Bad Cannstatt?"),
        ("dm32", "Ja, für alle Standorte."),
        (
            "k2",
            "Ich habe noch eine Frage zur neuen Vorlage für Anhörungen. Wo liegt die aktuelle Fassung?",
        ),
        (
            "dm32",
            "Im Wissensbereich unter *Vorlagen → Anhörungen*. Die alte bitte nicht mehr verwenden.",
        ),
        ("k2", "Gefunden, danke!"),
        ("k1", "Hat jemand die Zahlen für den Quartalsbericht schon zusammengestellt?"),
        ("ma32", "Ich bin dran, bis Donnerstag liegt ein Entwurf vor."),
        ("k1", "Super, dann warte ich darauf."),
        ("ma32", "Kleine Erinnerung: Morgen um 10 Uhr ist die Teambesprechung in Raum 2.114."),
        ("k2", "Ich bin morgen im Homeoffice und wähle mich per Video ein."),
        ("dm32", "Passt. Den Link schicke ich vorher hier in den Raum."),
        ("k1", "Die Aktualisierung ist durch, alles läuft wieder."),
        ("dm32", "Danke fürs Testen! Schönen Feierabend zusammen."),
    ],
    [
        ("ma32", "Guten Morgen zusammen!"),
        ("k1", "Morgen! Der Drucker im 2. OG ist wieder ausgefallen."),
        ("ma32", "Ich habe eine Störung beim IT-Service gemeldet."),
        (
            "dm32",
            "Hier der Link für die Besprechung um 10 Uhr: https://video.stadt.example/amt32-team",
        ),
        ("k2", "Bin drin."),
        (
            "dm32",
            "Ergebnisse der Besprechung:\n- Urlaubsplanung bis Monatsende eintragen\n- Neue Vorlage ab sofort verwenden\n- Nächster Termin in zwei Wochen",
        ),
        ("k1", "Danke für die Zusammenfassung!"),
        ("k2", "Wer kann mich am Freitag am Schalter vertreten?"),
        ("ma32", "Ich übernehme Freitag Vormittag."),
        ("k1", "Und ich den Nachmittag."),
        ("k2", "Perfekt, danke euch beiden!"),
        (
            "dm32",
            "Für die Schulung zur E-Akte gibt es noch drei freie Plätze. Bei Interesse bitte bei mir melden.",
        ),
        ("ma32", "Ich hätte Interesse."),
        ("k1", "Ich auch, falls noch ein Platz frei ist."),
        ("dm32", "Beide eingetragen."),
        ("k2", "Der Drucker funktioniert wieder."),
        ("ma32", "Frage an alle: Nutzt jemand schon die Tastenkürzel in der Fachanwendung?"),
        ("k1", "Ja, `Strg+F5` für die Aktenübersicht ist sehr praktisch."),
        ("ma32", "Gut zu wissen, danke!"),
    ],
    [
        ("k1", "Guten Morgen! Die Terminbuchung im Bürgerbüro ist heute sehr voll."),
        (
            "dm32",
            "Guten Morgen zusammen! Die neue **Terminbuchung** im Bürgerbüro startet am Montag.",
        ),
        ("ma32", "Danke @dm32! Gibt es dazu schon eine Schulung?"),
        ("dm32", "Ja, Unterlagen folgen im Wissensbereich:\n- Kurzanleitung\n- Häufige Fragen"),
        ("k2", "Prima. Ein kurzer Ablauf zum Mitlesen wäre hilfreich."),
        (
            "dm32",
            "Kommt heute Nachmittag. Bis dahin:\n```\nTermin anlegen → Kundin suchen → Zeitfenster wählen\n```",
        ),
        ("ma32", "> Bis dahin\n\nDas reicht mir für den Anfang, danke!"),
    ],
]

# (other room: "amt:<number>", "cross" or "dm:<user>:<user>", author, client id, text)
MESSAGES = [
    ("amt:50", "dm50", "demo-50-0001", "Bitte denkt an die *Urlaubsplanung* fürs nächste Quartal."),
    ("cross", "dm32", "demo-x-0001", "Willkommen im ämterübergreifenden Raum zur Digitalisierung!"),
    (
        "cross",
        "dm50",
        "demo-x-0002",
        "Hallo aus dem Sozialamt. Wir testen gerade die `E-Akte` – Erfahrungen willkommen.",
    ),
    (
        "cross",
        "ma20",
        "demo-x-0003",
        "Die Kämmerei ist auch dabei. Können wir uns nächste Woche austauschen?",
    ),
    ("dm:ma32:dm32", "ma32", "demo-dm-0001", "Hallo, hast du kurz Zeit wegen der Schulung?"),
    ("dm:ma32:dm32", "dm32", "demo-dm-0002", "Klar, ruf mich gern an oder schreib hier."),
    ("dm:ma32:dm32", "ma32", "demo-dm-0003", "Reicht auch hier: Welche Unterlagen brauche ich?"),
    (
        "dm:ma32:dm32",
        "dm32",
        "demo-dm-0004",
        "Nur die Kurzanleitung aus dem Wissensbereich. Den Rest zeige ich dir.",
    ),
    ("dm:dm50:ma32", "dm50", "demo-dm-0101", "Hallo Frau Müller, danke für Ihre Hilfe gestern!"),
    (
        "dm:ma20:dm32",
        "ma20",
        "demo-dm-0201",
        "Können Sie mir die Folien von der Schulung schicken?",
    ),
    ("dm:ma20:dm32", "dm32", "demo-dm-0202", "Gern, ich lege sie in den Wissensbereich."),
]

DEMO_USERNAMES = ["dm32", "dm50", "ma32", "ma20"]


def _office_hours_backwards(now: datetime, count: int) -> list[datetime]:
    """`count` moments before `now`, oldest first, a few minutes apart, only on working days
    between 7:30 and 16:30 (local time)."""
    moments = []
    moment = timezone.localtime(now) - timedelta(minutes=4)
    gaps = [3, 7, 2, 12, 5, 25, 4, 9, 1, 18, 6, 40]
    for index in range(count):
        while moment.weekday() >= 5 or not time(7, 30) <= moment.time() <= time(16, 30):
            if moment.time() < time(7, 30) or moment.weekday() >= 5:
                previous = moment.date() - timedelta(days=1)
                moment = moment.replace(
                    year=previous.year, month=previous.month, day=previous.day, hour=16, minute=20
                )
            else:
                moment = moment.replace(hour=16, minute=20)
        moments.append(moment)
        moment -= timedelta(minutes=gaps[index % len(gaps)])
    return list(reversed(moments))


def _working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _office_hours_from(day: date, count: int) -> list[datetime]:
    """`count` moments on `day`, from 8:05 on, a few minutes apart (local time)."""
    gaps = [4, 11, 2, 23, 6, 15, 3, 31, 8, 2, 19, 12]
    moment = timezone.make_aware(datetime.combine(day, time(8, 5)))
    moments = []
    for index in range(count):
        moments.append(moment)
        moment += timedelta(minutes=gaps[index % len(gaps)])
    return moments


def _amt_32_history(users: dict) -> list[tuple[str, str, str]]:
    """(author, client id, text) for Amt 32's days; each day ends its own working day."""
    colleagues = list(
        Person.objects.filter(unit__number__startswith="32", is_active=True, user__isnull=False)
        .exclude(user__username__in=DEMO_USERNAMES)
        .select_related("user")
        .order_by("personnel_number")[:2]
    )
    for key, person in zip(("k1", "k2"), colleagues, strict=False):
        users[key] = person.user
    history = []
    for day, lines in enumerate(AMT_32_DAYS):
        for index, (who, text) in enumerate(lines):
            author = who if who in users else "dm32"
            history.append((author, f"demo-32-{day}-{index:03d}", text))
    return history


def _send(author, room: Room, client_id: str, text: str, when: datetime | None) -> None:
    if Message.objects.filter(author=author, client_id=client_id).exists():
        return
    message, _duplicate = services.message_send(
        user=author, room_id=room.pk, client_id=client_id, text=text
    )
    if when is not None:
        # Demo only: the message as if sent at this moment of the working day.
        Message.objects.filter(pk=message.pk).update(created_at=when)
    # The seed writes a backdated history in one go, not a person typing: it must not spend
    # the demo login's sending budget (S5), or seeding stops at CHAT_SEND_RATE messages and
    # the person could not write right after `make run`.
    ratelimit.reset(services.SEND_RATE_SCOPE, author.pk, ratelimit.chat_send_rate())


def seed_chat() -> None:
    services.amt_rooms_ensure_all()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    if len(users) < 4:
        return
    cross = Room.objects.filter(kind=Room.Kind.CROSS_OFFICE, name=CROSS_OFFICE_NAME).first()
    if cross is None:
        cross = services.cross_office_room_create(
            creator=users["dm32"],
            name=CROSS_OFFICE_NAME,
            topic="Erfahrungen mit E-Akte, Online-Diensten und Schulungen teilen",
        )
        services.room_invite(
            room=cross, actor=users["dm32"], users=[users["dm50"], users["ma20"], users["ma32"]]
        )
    now = timezone.now()
    amt_32 = Room.objects.get(amt__number="32")
    history = _amt_32_history(users)
    # The last day of the history is today (up to now); the days before it are the working
    # days before, each from the morning on.
    today = _office_hours_backwards(now, len(AMT_32_DAYS[-1]))
    moments: list[datetime] = []
    day = timezone.localtime(today[0]).date()
    for lines in reversed(AMT_32_DAYS[:-1]):
        day = _working_day_before(day)
        moments = _office_hours_from(day, len(lines)) + moments
    moments += today
    for (author, client_id, text), when in zip(history, moments, strict=True):
        _send(users[author], amt_32, client_id, text, when)
    others = _office_hours_backwards(now - timedelta(minutes=30), len(MESSAGES))
    for (target, username, client_id, text), when in zip(MESSAGES, others, strict=True):
        if target == "cross":
            room = cross
        elif target.startswith("dm:"):
            _prefix, first, second = target.split(":")
            room = services.direct_room_get_or_create(user=users[first], other=users[second])
        else:
            room = Room.objects.get(amt__number=target.split(":")[1])
        _send(users[username], room, client_id, text, when)
