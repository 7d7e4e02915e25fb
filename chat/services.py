"""Writes of the chat. Every change is committed first; events go out only after commit.

Events only signal (docs/chat-protocol.md): they are registered with `robust=True`, so a
channel layer that is down loses the signal, not the committed change or its `ack`. The
clients' `sync` repairs the gap from the database.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from chat import events, permissions, presence, selectors
from chat.models import ChatPreference, Mention, Message, ReadCursor, Room
from chat.protocol import MAX_TEXT_LENGTH
from chat.rendering import mentioned_usernames, render_message
from chat.text import TextRefused, clean_text
from directory.models import OfficeGroup, OrgUnit
from intranet import ratelimit
from intranet.services import audit_record

MEMBER_PERMS = ("view_room", "post_room")
MODERATOR_PERMS = ("view_room", "post_room", "moderate_room")


class ChatError(Exception):
    """A refused chat action; `code` is one of chat.protocol.ERRORS, `message` an optional
    German reason that replaces the code's general one (a refused text says why)."""

    def __init__(self, code: str, message=None):
        super().__init__(code)
        self.code = code
        self.message = message


# --- Rooms ---------------------------------------------------------------------------------


def _grant(perms, user_or_group, room: Room) -> None:
    for perm in perms:
        assign_perm(f"chat.{perm}", user_or_group, room)


@transaction.atomic
def amt_room_ensure(*, amt: OrgUnit) -> Room:
    """The Amt's own room: its members write, its Digital Movers moderate.

    Rights go to the Amt's office groups, which the directory keeps in sync, so the room's
    members follow the directory without any chat-side bookkeeping.
    """
    room = Room.objects.filter(amt=amt).first()
    name = str(amt)
    if room is None:
        room = Room(kind=Room.Kind.AMT, amt=amt, name=name)
        room.full_clean()
        room.save()
    elif room.name != name:
        room.name = name
        room.save(update_fields=["name"])
    groups = {
        og.kind: og.group for og in OfficeGroup.objects.filter(amt=amt).select_related("group")
    }
    if OfficeGroup.Kind.MEMBERS in groups:
        _grant(MEMBER_PERMS, groups[OfficeGroup.Kind.MEMBERS], room)
    if OfficeGroup.Kind.DIGITAL_MOVERS in groups:
        _grant(MODERATOR_PERMS, groups[OfficeGroup.Kind.DIGITAL_MOVERS], room)
    return room


@transaction.atomic
def amt_room_merge(*, source: OrgUnit, target: OrgUnit) -> Room | None:
    """Two Ämter become one (directory.services.org_unit_merge). The source's room keeps its
    history: it becomes a cross-office room open to the remaining Amt's members and
    moderated by its Digital Movers, until its messages expire like any other."""
    room = Room.objects.filter(amt=source).first()
    if room is None:
        return None
    room.amt = None
    room.kind = Room.Kind.CROSS_OFFICE
    room.name = f"{room.name} (bis zur Zusammenlegung)"  # stored data stays German
    room.full_clean()
    room.save(update_fields=["amt", "kind", "name"])
    groups = {
        og.kind: og.group for og in OfficeGroup.objects.filter(amt=target).select_related("group")
    }
    if OfficeGroup.Kind.MEMBERS in groups:
        _grant(MEMBER_PERMS, groups[OfficeGroup.Kind.MEMBERS], room)
    if OfficeGroup.Kind.DIGITAL_MOVERS in groups:
        _grant(MODERATOR_PERMS, groups[OfficeGroup.Kind.DIGITAL_MOVERS], room)
    return room


def amt_rooms_ensure_all() -> int:
    """Rooms for every existing Amt (after the chat is installed, or to repair them)."""
    count = 0
    for amt in OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT):
        amt_room_ensure(amt=amt)
        count += 1
    return count


def room_texts_clean(*, name: str, topic: str) -> tuple[str, str]:
    """A room's name and topic under the chat's text policy (chat/text.py)."""
    errors, cleaned = {}, {}
    for field, value, required in (("name", name, True), ("topic", topic, False)):
        try:
            cleaned[field] = clean_text(
                value, max_length=Room._meta.get_field(field).max_length, required=required
            )
        except TextRefused as error:
            errors[field] = error.message
    if errors:
        raise ValidationError(errors)
    return cleaned["name"], cleaned["topic"]


@transaction.atomic
def cross_office_room_create(*, creator, name: str, topic: str = "") -> Room:
    name, topic = room_texts_clean(name=name, topic=topic)
    room = Room(kind=Room.Kind.CROSS_OFFICE, name=name, topic=topic)
    room.full_clean()
    # S5: counted once the room is valid; a refused form costs nothing.
    decision = ratelimit.hit("chat-room-create", creator.pk, ratelimit.chat_room_create_rate())
    if decision.limited:
        raise ratelimit.RateLimited(
            decision,
            " ".join(
                [
                    _("Sie haben heute schon sehr viele Räume angelegt."),
                    ratelimit.wait_message(decision),
                ]
            ),
        )
    room.save()
    # Whoever opens a topic room looks after it.
    _grant(MODERATOR_PERMS, creator, room)
    return room


@transaction.atomic
def room_invite(*, room: Room, actor, users=(), amter=()) -> None:
    """Invite people, or whole Ämter (their members group, so it follows the directory)."""
    if not permissions.user_may_invite(actor, room):
        raise ChatError("forbidden")
    # S5: each invited person or Amt counts; nothing is granted once the hour's budget is
    # spent (the whole invitation is refused, so it can simply be sent again later).
    decision = ratelimit.hit(
        "chat-invite", actor.pk, ratelimit.chat_invite_rate(), amount=len(users) + len(amter)
    )
    if decision.limited:
        raise ratelimit.RateLimited(
            decision,
            " ".join(
                [
                    _("Sie haben in der letzten Stunde sehr viele Einladungen ausgesprochen."),
                    ratelimit.wait_message(decision),
                ]
            ),
        )
    for user in users:
        _grant(MEMBER_PERMS, user, room)
    for amt in amter:
        group = OfficeGroup.objects.get(amt=amt, kind=OfficeGroup.Kind.MEMBERS).group
        _grant(MEMBER_PERMS, group, room)
    # Granting room rights is a permission change (P9): counts and ids, no content.
    audit_record(
        actor=actor,
        action="chat.room_invite",
        target=room,
        summary=f"Einladung in „{room.name}“",
        changes={"users": [u.pk for u in users], "amter": [str(a) for a in amter]},
    )
    user_ids = [u.pk for u in users]
    transaction.on_commit(lambda: events.notify_rooms_changed(user_ids=user_ids), robust=True)


@transaction.atomic
def room_leave(*, room: Room, user) -> None:
    if not permissions.user_may_leave(user, room):
        raise ChatError("forbidden")
    for perm in MODERATOR_PERMS:
        remove_perm(f"chat.{perm}", user, room)
    if permissions.user_may(user, "view", room):
        # Still a member through an invited Amt: leaving alone would silently do nothing.
        raise ValidationError(
            _("Sie sind über Ihr Amt Mitglied dieses Raums und können ihn nicht verlassen.")
        )
    transaction.on_commit(lambda: events.notify_rooms_changed(user_ids=[user.pk]), robust=True)


@transaction.atomic
def direct_room_get_or_create(*, user, other) -> Room:
    """The one conversation between two people; any employee may write to any other."""
    if user.pk == other.pk:
        raise ValidationError(_("Eine Direktnachricht an sich selbst ist nicht möglich."))
    if not other.is_active:
        raise ValidationError(_("Diese Person ist nicht mehr erreichbar."))
    low, high = sorted((user.pk, other.pk))
    room, created = Room.objects.get_or_create(
        direct_key=f"{low}:{high}",
        defaults={"kind": Room.Kind.DIRECT, "name": _("Direktnachricht")},
    )
    if created:
        _grant(MEMBER_PERMS, user, room)
        _grant(MEMBER_PERMS, other, room)
        transaction.on_commit(
            lambda: events.notify_rooms_changed(user_ids=[low, high]), robust=True
        )
    return room


# --- Messages ------------------------------------------------------------------------------


SEND_RATE_SCOPE = "chat-send"


def _check_send_rate(user) -> None:
    """S5: at most CHAT_SEND_RATE messages per window (intranet/ratelimit.py)."""
    if ratelimit.hit(SEND_RATE_SCOPE, user.pk, ratelimit.chat_send_rate()).limited:
        raise ChatError("rate_limited")


def _next_seq(room_id: int) -> Room:
    """Take the room's next seq. The UPDATE locks the room row until commit, so seqs are
    gap-free and never collide; RETURNING (PostgreSQL, SQLite ≥ 3.35) saves a query."""
    table = Room._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq, name",  # noqa: S608
            [room_id],
        )
        last_seq, name = cursor.fetchone()
    return Room(pk=room_id, name=name, last_seq=last_seq)


def _clean_text(text: str) -> str:
    """The one text policy (chat/text.py), for the socket and the form alike."""
    try:
        return clean_text(text, max_length=MAX_TEXT_LENGTH, multiline=True)
    except TextRefused as error:
        raise ChatError("invalid", message=error.message) from error


def _mentioned_members(room_id: int, text: str, author) -> list:
    names = mentioned_usernames(text) - {author.get_username()}
    if not names:
        return []
    return list(permissions.users_with_room_access(room_id=room_id, usernames=names))


@transaction.atomic
def message_send(*, user, room_id: int, client_id: str, text: str) -> tuple[Message, bool]:
    """Store a new message with the room's next seq; resending a client id is harmless.

    Returns the message and whether it already existed (an idempotent resend).
    """
    text = _clean_text(text)
    if "post" not in permissions.room_actions_for_user(user, room_id):
        raise ChatError("forbidden")
    existing = Message.objects.filter(author=user, client_id=client_id).first()
    if existing is not None:
        if existing.room_id != room_id:
            raise ChatError("invalid")
        return existing, True
    _check_send_rate(user)
    mentioned = _mentioned_members(room_id, text, user)
    room = _next_seq(room_id)
    message = Message(
        room=room,
        author=user,
        seq=room.last_seq,
        rev=room.last_seq,
        client_id=client_id,
        text=text,
        html=render_message(text, mentions={u.get_username() for u in mentioned}),
        created_at=timezone.now(),
    )
    # Room and author were just checked, and uniqueness is the database's job (constraints):
    # validating them again here would cost three queries per message.
    message.full_clean(
        exclude=["room", "author"], validate_unique=False, validate_constraints=False
    )
    message.save()
    if mentioned:
        Mention.objects.bulk_create([Mention(message=message, user=u) for u in mentioned])
    payload = selectors.message_payload(message)
    mention_ids = [u.pk for u in mentioned]
    author_name = payload["author"]["name"]

    def notify():
        events.notify_message(payload=payload)
        if mention_ids:
            events.notify_mention(
                user_ids=mention_ids,
                room_id=room.pk,
                room_name=room.name,
                seq=message.seq,
                by=author_name,
            )

    transaction.on_commit(notify, robust=True)
    return message, False


def _message_for_change(user, room_id: int, seq: int) -> tuple[Message, set[str]]:
    actions = permissions.room_actions_for_user(user, room_id)
    if "view" not in actions:
        raise ChatError("forbidden")
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("author__person")
        .filter(room_id=room_id, seq=seq)
        .first()
    )
    if message is None:
        raise ChatError("not_found")
    return message, actions


@transaction.atomic
def message_edit(*, user, room_id: int, seq: int, text: str) -> Message:
    text = _clean_text(text)
    message, actions = _message_for_change(user, room_id, seq)
    if not permissions.user_may_edit_message(user, message, actions):
        raise ChatError("forbidden")
    _check_send_rate(user)
    mentioned = _mentioned_members(room_id, text, user)
    room = _next_seq(room_id)
    message.text = text
    message.html = render_message(text, mentions={u.get_username() for u in mentioned})
    message.edited_at = timezone.now()
    message.rev = room.last_seq
    message.full_clean(
        exclude=["room", "author"], validate_unique=False, validate_constraints=False
    )
    message.save(update_fields=["text", "html", "edited_at", "rev"])
    Mention.objects.filter(message=message).exclude(user__in=mentioned).delete()
    Mention.objects.bulk_create(
        [Mention(message=message, user=u) for u in mentioned], ignore_conflicts=True
    )
    payload = selectors.message_payload(message)
    transaction.on_commit(lambda: events.notify_message(payload=payload), robust=True)
    return message


@transaction.atomic
def message_delete(*, user, room_id: int, seq: int) -> Message:
    """Authors delete their own messages, moderators any in their room; the text is gone."""
    message, actions = _message_for_change(user, room_id, seq)
    if not permissions.user_may_delete_message(user, message, actions):
        raise ChatError("forbidden")
    room = _next_seq(room_id)
    message.text = ""
    message.html = ""
    message.deleted = True
    message.rev = room.last_seq
    message.save(update_fields=["text", "html", "deleted", "rev"])
    Mention.objects.filter(message=message).delete()
    payload = selectors.message_payload(message)
    transaction.on_commit(lambda: events.notify_message(payload=payload), robust=True)
    return message


@transaction.atomic
def read_cursor_set(*, user, room_id: int, seq: int) -> dict:
    """Move the user's own read cursor forward; only their own tabs hear of it (P3)."""
    if "view" not in permissions.room_actions_for_user(user, room_id):
        raise ChatError("forbidden")
    cursor, _created = ReadCursor.objects.get_or_create(user=user, room_id=room_id)
    if seq > cursor.last_read_seq:
        cursor.last_read_seq = seq
        cursor.save(update_fields=["last_read_seq"])
    state = selectors.room_state_for_user(user=user, room_ids={room_id})[room_id]
    transaction.on_commit(
        lambda: events.notify_unread(
            user_id=user.pk, room_id=room_id, unread=state["unread"], mentions=state["mentions"]
        ),
        robust=True,
    )
    return state


@transaction.atomic
def chat_preference_set(*, user, share_presence: bool, share_typing: bool) -> ChatPreference:
    """The person's own opt-in (P2); switching presence off removes the flag at once."""
    preference, _created = ChatPreference.objects.get_or_create(user=user)
    preference.share_presence = share_presence
    preference.share_typing = share_typing
    preference.full_clean()
    preference.save()
    if not share_presence:
        presence.presence_clear(user_id=user.pk)
    transaction.on_commit(lambda: events.notify_preference(user_id=user.pk), robust=True)
    return preference


def messages_purge(*, now=None) -> int:
    """P7: delete every message past its room's retention, completely.

    The rows go (mentions cascade with them); the chat keeps no search index or
    attachments outside these rows, so nothing else holds the text.
    """
    now = now or timezone.now()
    default = settings.CHAT_RETENTION_DAYS
    deleted = 0
    retentions = set(Room.objects.values_list("retention_days", flat=True))
    for retention in {days or default for days in retentions}:
        rooms = Q(room__retention_days=retention)
        if retention == default:
            rooms |= Q(room__retention_days__isnull=True)
        _total, per_model = Message.objects.filter(
            rooms, created_at__lt=now - timedelta(days=retention)
        ).delete()
        deleted += per_model.get("chat.Message", 0)
    return deleted
