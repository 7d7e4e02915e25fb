"""Demo chat: the Amt rooms, one cross-office room and a few German messages (idempotent)."""

from django.contrib.auth import get_user_model

from chat import services
from chat.models import Message, Room

CROSS_OFFICE_NAME = "Digitalisierung ämterübergreifend"

# (room: "amt:<number>" or "cross", author username, client id, text)
MESSAGES = [
    (
        "amt:32",
        "dm32",
        "demo-32-0001",
        "Guten Morgen zusammen! Die neue **Terminbuchung** im Bürgerbüro startet am Montag.",
    ),
    ("amt:32", "ma32", "demo-32-0002", "Danke @dm32! Gibt es dazu schon eine Schulung?"),
    (
        "amt:32",
        "dm32",
        "demo-32-0003",
        "Ja, Unterlagen folgen im Wissensbereich:\n- Kurzanleitung\n- Häufige Fragen",
    ),
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
]


def seed_chat() -> None:
    services.amt_rooms_ensure_all()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["dm32", "dm50", "ma32", "ma20"])
    }
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
    for target, username, client_id, text in MESSAGES:
        author = users[username]
        if Message.objects.filter(author=author, client_id=client_id).exists():
            continue
        room = cross if target == "cross" else Room.objects.get(amt__number=target.split(":")[1])
        services.message_send(user=author, room_id=room.pk, client_id=client_id, text=text)
