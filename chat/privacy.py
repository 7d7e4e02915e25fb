"""Personal data of the chat, for the privacy register (intranet.privacy_register)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intranet.privacy_register import (
    LEGAL_BASIS_AGREEMENT,
    LEGAL_BASIS_CONSENT,
    Audience,
    EndOfRetention,
    PersonalField,
)

PERSONAL_DATA = [
    PersonalField(
        model="chat.Message",
        fields=("author", "text", "html", "client_id", "created_at", "edited_at"),
        category=_("Chatinhalte"),
        purpose=_(
            "Dienstliche Kommunikation in Amtsräumen, ämterübergreifenden Räumen und "
            "Direktnachrichten. Nicht im Admin sichtbar, nicht auswertbar."
        ),
        visible_to=(Audience.ROOM_MEMBERS,),
        legal_basis=LEGAL_BASIS_AGREEMENT,
        retention=_(
            "bis zum Ablauf der Aufbewahrungsfrist des Raums (Voreinstellung %(days)s Tage), "
            "dann vollständig gelöscht; Ausgeschiedene werden als „ehemalige*r "
            "Mitarbeitende*r“ angezeigt"
        )
        % {"days": settings.CHAT_RETENTION_DAYS},
        at_end=EndOfRetention.DELETE,
        retention_days=settings.CHAT_RETENTION_DAYS,
    ),
    PersonalField(
        model="chat.Mention",
        fields=("user", "message"),
        category=_("Chatinhalte"),
        purpose=_("Die erwähnte Person auf eine Nachricht hinweisen (eigene Benachrichtigung)."),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_AGREEMENT,
        retention=_("wird mit der Nachricht gelöscht"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="chat.ReadCursor",
        fields=("user", "room", "last_read_seq"),
        category=_("Ungelesen-Zähler"),
        purpose=_(
            "Der Person selbst ihre ungelesenen Nachrichten zeigen. Keine Lesebestätigung: "
            "niemand sonst sieht, was jemand gelesen hat."
        ),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_AGREEMENT,
        retention=_("solange die Person Zugang zum Raum hat; mit dem Konto gelöscht"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="chat.ChatPreference",
        fields=("user", "share_presence", "share_typing"),
        category=_("Einwilligungen"),
        purpose=_(
            "Die eigene Entscheidung für Präsenz- und Tipp-Anzeige (Voreinstellung: aus). "
            "Die Anzeigen selbst werden nie gespeichert, nur flüchtig mit Ablaufzeit gehalten."
        ),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_CONSENT,
        retention=_("bis zum Widerruf oder Ausscheiden"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="chat.RoomUserObjectPermission",
        fields=("user", "content_object", "permission"),
        category=_("Rollen und Berechtigungen"),
        purpose=_("Wer in welchem ämterübergreifenden Raum oder Direktgespräch Mitglied ist."),
        visible_to=(Audience.ROOM_MEMBERS,),
        legal_basis=LEGAL_BASIS_AGREEMENT,
        retention=_("bis zum Verlassen des Raums oder Ausscheiden"),
        at_end=EndOfRetention.DELETE,
    ),
]
