"""Reads of the chat: room lists with the reader's own unread counts, history, replay, search."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from chat import permissions
from chat.models import ChatPreference, Mention, Message, ReadCursor, Room


def author_payload(user) -> dict:
    """Who wrote a message, linked to the directory; leavers are no longer named."""
    if user is None or not user.is_active:
        return {"id": None, "name": _("ehemalige*r Mitarbeitende*r"), "url": ""}
    person = getattr(user, "person", None)
    name = (person.full_name if person else user.get_full_name()) or user.get_username()
    try:
        url = reverse("directory:person", kwargs={"uuid": person.uuid}) if person else ""
    except NoReverseMatch:
        url = ""
    if not url:
        url = f"{reverse('directory:index')}?{urlencode({'q': name})}"
    return {"id": user.pk, "name": name, "url": url}


def message_payload(message: Message) -> dict:
    return {
        "room": message.room_id,
        "seq": message.seq,
        "rev": message.rev,
        "client_id": message.client_id,
        "author": author_payload(message.author),
        "text": message.text,
        "html": message.html,
        "created": message.created_at.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.deleted,
    }


def _messages():
    return Message.objects.select_related("author__person")


def message_history(*, room_id: int, before: int | None = None, limit: int = 50) -> list[dict]:
    """Up to `limit` messages before seq `before` (or the newest), oldest first."""
    messages = _messages().filter(room_id=room_id)
    if before is not None:
        messages = messages.filter(seq__lt=before)
    page = list(messages.order_by("-seq")[:limit])
    return [message_payload(message) for message in reversed(page)]


@dataclass
class Replay:
    messages: list[dict]  # every change the client missed, in rev order per room
    resync: dict[int, int]  # room id -> last seq, for rooms whose gap is too large


def messages_missed(*, cursors: dict[int, int], last_seqs: dict[int, int]) -> Replay:
    """What a client with these per-room cursors missed; one query for all rooms."""
    limit = settings.CHAT_REPLAY_LIMIT
    resync: dict[int, int] = {}
    wanted = Q(pk__in=[])
    for room_id, cursor in cursors.items():
        last = last_seqs.get(room_id)
        if last is None or cursor >= last:
            continue
        if last - cursor > limit:
            resync[room_id] = last
            continue
        wanted |= Q(room_id=room_id, rev__gt=cursor)
    if wanted == Q(pk__in=[]):
        return Replay(messages=[], resync=resync)
    messages = _messages().filter(wanted).order_by("room_id", "rev")
    return Replay(messages=[message_payload(m) for m in messages], resync=resync)


def _unread_annotations(user) -> dict:
    cursor = ReadCursor.objects.filter(user=user, room=OuterRef("pk")).values("last_read_seq")
    read_up_to = Coalesce(Subquery(cursor[:1]), Value(0))
    unread = (
        Message.objects.filter(room=OuterRef("pk"), deleted=False, seq__gt=OuterRef("read_up_to"))
        .exclude(author=user)
        .order_by()
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mentions = (
        Mention.objects.filter(
            user=user,
            message__room=OuterRef("pk"),
            message__deleted=False,
            message__seq__gt=OuterRef("read_up_to"),
        )
        .order_by()
        .values("message__room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "read_up_to": read_up_to,
        "unread": Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        "mentions": Coalesce(Subquery(mentions, output_field=IntegerField()), Value(0)),
    }


def room_list_for_user(*, user) -> list[Room]:
    """The user's rooms with their OWN unread and mention counts (P3), in two queries.

    Direct conversations are named after the other person.
    """
    rooms = list(
        permissions.rooms_for_user(user)
        .annotate(**_unread_annotations(user))
        .order_by("kind", "name", "pk")
    )
    partner_ids = {room.pk: _direct_partner_id(room, user) for room in rooms if room.direct_key}
    if partner_ids:
        partners = get_user_model().objects.select_related("person").in_bulk(partner_ids.values())
        for room in rooms:
            if room.pk in partner_ids:
                partner = partners.get(partner_ids[room.pk])
                room.name = author_payload(partner)["name"]
    return rooms


def room_members(*, room_id: int, limit: int = 100) -> tuple[int, list[dict]]:
    """How many people may read the room, and the first `limit` of them by name."""
    members = permissions.room_members(room_id=room_id)
    shown = list(
        members.select_related("person").order_by(
            "person__last_name", "person__first_name", "username"
        )[:limit]
    )
    # Only a room with more members than shown needs its own count query.
    count = len(shown) if len(shown) < limit else members.count()
    return count, [author_payload(user) for user in shown]


def direct_partner_id(room: Room, user) -> int | None:
    """The other person of a direct conversation (None for any other room)."""
    return _direct_partner_id(room, user) if room.direct_key else None


def _direct_partner_id(room: Room, user) -> int:
    first, second = (int(part) for part in room.direct_key.split(":"))
    return second if first == user.pk else first


def room_state_for_user(*, user, room_ids: set[int]) -> dict[int, dict]:
    """Last seq and the user's own unread counts per room, for the `synced` frame."""
    rows = (
        Room.objects.filter(pk__in=room_ids)
        .annotate(**_unread_annotations(user))
        .values("pk", "last_seq", "unread", "mentions")
    )
    return {
        row["pk"]: {
            "last_seq": row["last_seq"],
            "unread": row["unread"],
            "mentions": row["mentions"],
        }
        for row in rows
    }


def room_ids_for_user(*, user) -> set[int]:
    return permissions.room_ids_for_user(user)


def socket_user(*, user_id: int):
    """The socket's user with what the consumer needs for the whole connection."""
    return (
        get_user_model()
        .objects.select_related("person", "chat_preference")
        .filter(pk=user_id, is_active=True)
        .first()
    )


def chat_preference_for_user(*, user) -> ChatPreference:
    return ChatPreference.objects.filter(user=user).first() or ChatPreference(user=user)


def message_search(
    *, user, query: str, room_id: int | None = None, limit: int = 50
) -> list[Message]:
    """Messages matching `query` in rooms the user may read (or in one of them), newest
    first."""
    query = query.strip()
    if len(query) < 2:
        return []
    messages = _messages().select_related("room")
    if room_id is not None:
        messages = messages.filter(room_id=room_id)
    return list(
        messages.filter(
            room__in=permissions.rooms_for_user(user), deleted=False, text__icontains=query
        ).order_by("-created_at")[:limit]
    )


def direct_partner_candidates(*, user, query: str, limit: int = 20) -> list[dict]:
    """People the user can write to, found by the directory's own search (name, unit,
    function) and shown as the directory shows them: no login names, no accounts.

    Only people with an active account can be messaged; the user is left out.
    """
    from directory import permissions as directory_permissions
    from directory import selectors as directory_selectors

    ids = directory_selectors.person_search_ids(query=query, limit=limit + 1)
    if not ids:
        return []
    people = {
        person.pk: person
        for person in directory_selectors.person_list_active()
        .filter(pk__in=ids, user__is_active=True)
        .exclude(user=user)
    }
    amt_ids = directory_permissions.viewer_amt_ids(user)
    return [
        directory_selectors.person_released(user=user, person=people[pk], amt_ids=amt_ids)
        for pk in ids
        if pk in people
    ][:limit]


def direct_partner_for_person(*, uuid):
    """The account behind a directory profile, if that person can be messaged."""
    return (
        get_user_model()
        .objects.filter(person__uuid=uuid, person__is_active=True, is_active=True)
        .first()
    )
