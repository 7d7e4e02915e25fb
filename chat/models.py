"""Chat rooms and their messages; the message row is the truth, the channel layer only signals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Room(models.Model):
    class Kind(models.TextChoices):
        AMT = "amt", _("Amtsraum")
        CROSS_OFFICE = "cross_office", _("Ämterübergreifender Raum")
        DIRECT = "direct", _("Direktnachricht")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=200)
    topic = models.CharField(_("Thema"), max_length=300, blank=True)
    amt = models.OneToOneField(
        "directory.OrgUnit",
        verbose_name=_("Amt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_room",
        limit_choices_to={"kind": "amt"},
    )
    # For direct messages: "<smaller user id>:<larger user id>", so each pair has one room.
    direct_key = models.CharField(max_length=50, null=True, blank=True, unique=True, editable=False)
    retention_days = models.PositiveIntegerField(
        _("Aufbewahrung (Tage)"),
        null=True,
        blank=True,
        help_text=_("Leer: die Voreinstellung der Stadt (CHAT_RETENTION_DAYS)."),
    )
    # The room's event counter: every new, edited or deleted message takes the next value.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Chatraum")
        verbose_name_plural = _("Chaträume")
        ordering = ["kind", "name"]
        default_permissions = ("view",)
        permissions = [
            ("post_room", _("In den Raum schreiben")),
            ("moderate_room", _("Den Raum moderieren")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="amt") | models.Q(amt__isnull=False),
                name="room_amt_needs_amt",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoomUserObjectPermission(UserObjectPermissionBase):
    """Guardian permissions of single people on a room (direct FK: one indexed join)."""

    content_object = models.ForeignKey(Room, on_delete=models.CASCADE)


class RoomGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian permissions of groups (the Amt groups of the directory) on a room."""

    content_object = models.ForeignKey(Room, on_delete=models.CASCADE)


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    # Leavers' accounts may be deleted; their messages stay until the retention ends.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="chat_messages",
    )
    seq = models.PositiveBigIntegerField(editable=False)  # position in the room, from last_seq
    rev = models.PositiveBigIntegerField(editable=False)  # room seq of the latest change
    client_id = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Chatnachricht")
        verbose_name_plural = _("Chatnachrichten")
        ordering = ["room_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_room_seq_unique"),
            models.UniqueConstraint(
                fields=["author", "client_id"], name="message_author_client_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["room", "rev"], name="message_room_rev")]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"


class Mention(models.Model):
    """A person named with @ in a message: their own notification, seen only by them."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_mentions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.message_id}"


class ReadCursor(models.Model):
    """How far one person has read in one room; only that person ever sees it (P3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_read_cursors"
    )
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_cursors")
    last_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "room"], name="readcursor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.room_id}:{self.last_read_seq}"


class ChatPreference(models.Model):
    """A person's own opt-ins (P2): both off unless they switch them on themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_preference"
    )
    share_presence = models.BooleanField(
        _("Präsenzanzeige"),
        default=False,
        help_text=_("Andere sehen, dass Sie gerade im Chat sind – ohne Verlauf."),
    )
    share_typing = models.BooleanField(
        _("Tipp-Anzeige"),
        default=False,
        help_text=_("Andere sehen im Raum, dass Sie gerade schreiben."),
    )

    class Meta:
        verbose_name = _("Chat-Einstellung")
        verbose_name_plural = _("Chat-Einstellungen")

    def __str__(self) -> str:
        return str(self.user_id)
