"""Personal fields of the Django, Wagtail and guardian models the portal uses (privacy register).

These apps ship no `privacy.py` of their own, so their entries live here and are collected
through `intranet/privacy.py`. The register test names this file when one of them gains a
personal field in an upgrade.
"""

from django.utils.translation import gettext_lazy as _

from intranet.privacy_register import (
    LEGAL_BASIS_EMPLOYMENT,
    LEGAL_BASIS_OPERATION,
    Audience,
    EndOfRetention,
    PersonalField,
)

CATEGORY_ACCOUNT = _("Benutzerkonto und Anmeldung")
CATEGORY_ROLES = _("Rollen und Berechtigungen")
CATEGORY_AUTHORSHIP = _("Urheberschaft von Seiten, Bildern und Dokumenten")
CATEGORY_EDITING = _("Redaktionelle Zusammenarbeit")
CATEGORY_HISTORY = _("Änderungsverlauf der Inhalte")
CATEGORY_SETTINGS = _("Persönliche Einstellungen")

UNTIL_LEAVING = _("bis zum Ausscheiden; das Konto wird dann deaktiviert")
WITH_THE_CONTENT = _(
    "solange der Inhalt besteht; nach dem Ausscheiden bleibt der Name am Inhalt, die "
    "Zuständigkeit geht an das Amt über"
)

PERSONAL_MODELS = [
    "sessions.Session",
    "wagtailusers.UserProfile",
    "wagtailadmin.EditingSession",
    "wagtailcore.APIToken",
]

PERSONAL_DATA = [
    # --- Django: accounts, groups, permissions, sessions -----------------------------
    PersonalField(
        model="auth.User",
        fields=("username", "password", "is_active", "date_joined"),
        category=CATEGORY_ACCOUNT,
        purpose=_(
            "Anmelden am Portal. Das Passwort ist nur als nicht umkehrbarer Hash gespeichert."
        ),
        visible_to=(Audience.SELF, Audience.ADMINS),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=UNTIL_LEAVING,
        masked=("password",),
        on_leaving=_("Das Konto wird deaktiviert; eine Anmeldung ist nicht mehr möglich."),
    ),
    PersonalField(
        model="auth.User",
        fields=("last_login",),
        category=CATEGORY_ACCOUNT,
        purpose=_(
            "Wird nicht erfasst: Das Portal speichert keinen Zeitpunkt der letzten Anmeldung "
            "(P1). Das Feld stammt aus Django und bleibt leer."
        ),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("wird nicht gespeichert"),
    ),
    PersonalField(
        model="auth.User",
        fields=("first_name", "last_name", "email"),
        category=_("Dienstliche Stammdaten"),
        purpose=_(
            "Name und E-Mail am Benutzerkonto, damit Redaktion und Verwaltung sehen, wer einen "
            "Inhalt bearbeitet hat, und Benachrichtigungen zugestellt werden."
        ),
        visible_to=(Audience.SELF, Audience.REDAKTION, Audience.ADMINS),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=UNTIL_LEAVING,
    ),
    PersonalField(
        model="auth.User",
        fields=("groups", "user_permissions", "is_staff", "is_superuser"),
        category=CATEGORY_ROLES,
        purpose=_(
            "Rechte im Portal: Amtsgruppen (aus dem Personenverzeichnis abgeleitet), "
            "redaktionelle Rechte und Administration."
        ),
        visible_to=(Audience.SELF, Audience.HR, Audience.ADMINS),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("solange die Rolle besteht; beim Ausscheiden entfernt"),
        on_leaving=_("Alle Amtsgruppen werden sofort entfernt."),
    ),
    PersonalField(
        model="guardian.UserObjectPermission",
        title=_("Rechte an einzelnen Objekten"),
        fields=("user", "permission", "content_type", "object_pk"),
        category=CATEGORY_ROLES,
        purpose=_("Einzelne Rechte an einem Objekt, z. B. an einem Chatraum."),
        visible_to=(Audience.SELF, Audience.ADMINS),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("solange das Recht besteht"),
    ),
    PersonalField(
        model="sessions.Session",
        fields=("session_key", "session_data", "expire_date"),
        category=CATEGORY_ACCOUNT,
        purpose=_(
            "Angemeldet bleiben, solange Sie das Portal nutzen. Die Sitzung kennt nur den "
            "Zeitpunkt ihrer letzten Verlängerung, auf 5 Minuten gerundet. Es wird kein "
            "Verlauf der Sitzungen geführt."
        ),
        visible_to=(Audience.NOBODY,),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_(
            "bis etwa 8 Stunden nach der letzten Nutzung (die Frist wird höchstens alle 5 "
            "Minuten verlängert) oder bis zur Abmeldung; abgelaufene Sitzungen werden "
            "täglich gelöscht"
        ),
        masked=("session_key", "session_data"),
        on_leaving=_(
            "Alle Sitzungen werden sofort beendet, offene Verbindungen (Chat) geschlossen."
        ),
    ),
    # --- Wagtail: editorial work ------------------------------------------------------
    PersonalField(
        model="wagtailcore.Page",
        fields=("owner",),
        category=CATEGORY_AUTHORSHIP,
        purpose=_("Verantwortliche Person einer Seite, für Rückfragen und die Überprüfung."),
        visible_to=(Audience.COLLEAGUES, Audience.REDAKTION),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
        on_leaving=_(
            "Die Person bleibt als Verantwortliche eingetragen, bis die Digital Movers des "
            "Amts, die benachrichtigt werden, die Seite einer anderen Person zuweisen."
        ),
    ),
    PersonalField(
        model="wagtailcore.Page",
        fields=("locked_by", "locked_at"),
        category=CATEGORY_EDITING,
        purpose=_("Eine Seite während der Bearbeitung für andere sperren."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("bis die Sperre aufgehoben wird"),
        on_leaving=_("Sperren der Person werden aufgehoben."),
    ),
    PersonalField(
        model="wagtailcore.Revision",
        fields=("user", "created_at"),
        category=CATEGORY_HISTORY,
        purpose=_("Versionen einer Seite vergleichen und wiederherstellen."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
        on_leaving=_(
            "Bleibt am Inhalt; der Name erscheint nur im Versionsverlauf für die Redaktion."
        ),
    ),
    PersonalField(
        model="wagtailcore.PageLogEntry",
        title=_("Verlauf der Seiten"),
        fields=("user", "timestamp", "action", "label"),
        category=CATEGORY_HISTORY,
        purpose=_(
            "Verlauf einer Seite für die Redaktion (wer hat veröffentlicht, wer freigegeben). "
            "Der seitenübergreifende Bericht nach Personen ist nur für Administration."
        ),
        visible_to=(Audience.REDAKTION, Audience.ADMINS),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("1 Jahr"),
        retention_days=365,
        retention_field="timestamp",
        masked=("label",),
    ),
    PersonalField(
        model="wagtailcore.ModelLogEntry",
        title=_("Verlauf der Verwaltungseinträge"),
        fields=("user", "timestamp", "action", "label"),
        category=CATEGORY_HISTORY,
        purpose=_("Verlauf von Einträgen in der Verwaltung (Personen, Bilder, Dokumente, Konten)."),
        visible_to=(Audience.ADMINS,),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("1 Jahr"),
        retention_days=365,
        retention_field="timestamp",
        masked=("label",),
    ),
    PersonalField(
        model="wagtailcore.WorkflowState",
        fields=("requested_by", "created_at"),
        category=CATEGORY_EDITING,
        purpose=_("Freigabe einer Seite beantragen (Redaktionsworkflow)."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtailcore.TaskState",
        fields=("finished_by", "finished_at", "comment"),
        category=CATEGORY_EDITING,
        purpose=_("Freigabe oder Ablehnung einer Seite mit Kommentar (Redaktionsworkflow)."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtailcore.Comment",
        fields=("user", "text", "created_at", "updated_at"),
        category=CATEGORY_EDITING,
        purpose=_("Redaktionelle Kommentare an einer Seite."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtailcore.Comment",
        fields=("resolved_by", "resolved_at"),
        category=CATEGORY_EDITING,
        purpose=_("Einen redaktionellen Kommentar als erledigt markieren."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtailcore.CommentReply",
        fields=("user", "text", "created_at", "updated_at"),
        category=CATEGORY_EDITING,
        purpose=_("Antworten auf redaktionelle Kommentare."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtailcore.PageSubscription",
        title=_("Seitenabonnements"),
        fields=("user", "page", "comment_notifications"),
        category=CATEGORY_SETTINGS,
        purpose=_("Benachrichtigung über neue Kommentare an einer Seite, die Sie abonniert haben."),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("bis Sie das Abonnement beenden"),
    ),
    PersonalField(
        model="wagtailadmin.EditingSession",
        title=_("Gleichzeitige Bearbeitung"),
        fields=("user", "content_type", "object_id", "last_seen_at", "is_editing"),
        category=CATEGORY_EDITING,
        purpose=_(
            "Hinweis im Redaktionssystem, dass eine andere Person denselben Inhalt gerade "
            "bearbeitet, damit keine Änderungen verloren gehen. Kein Verlauf."
        ),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("höchstens 1 Stunde nach dem Verlassen der Bearbeitung"),
        retention_days=1,
        retention_field="last_seen_at",
    ),
    PersonalField(
        model="wagtailadmin.FormState",
        title=_("Formular-Zwischenstände"),
        fields=("user", "data", "last_updated_at"),
        category=CATEGORY_EDITING,
        purpose=_("Zwischenstand eines Formulars für die Vorschau im Redaktionssystem."),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("24 Stunden"),
        retention_days=1,
        retention_field="last_updated_at",
        masked=("data",),
    ),
    PersonalField(
        model="wagtailcore.APIToken",
        title=_("API-Zugangsschlüssel"),
        fields=("user", "name", "key_hash", "prefix", "created", "revoked_at", "last_used_at"),
        category=CATEGORY_ACCOUNT,
        purpose=_(
            "Zugangsschlüssel für die Programmierschnittstelle von Wagtail. Die Schnittstelle "
            "ist im Portal nicht eingeschaltet; es werden keine Schlüssel angelegt."
        ),
        visible_to=(Audience.SELF, Audience.ADMINS),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("bis zum Widerruf"),
        masked=("key_hash",),
    ),
    PersonalField(
        model="wagtailimages.Image",
        fields=("uploaded_by_user", "created_at"),
        category=CATEGORY_AUTHORSHIP,
        purpose=_("Wer ein Bild hochgeladen hat, für Rückfragen zu Rechten und Inhalt."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtaildocs.Document",
        fields=("uploaded_by_user", "created_at"),
        category=CATEGORY_AUTHORSHIP,
        purpose=_("Wer ein Dokument hochgeladen hat, für Rückfragen zu Inhalt und Stand."),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=WITH_THE_CONTENT,
    ),
    PersonalField(
        model="wagtailcore.UploadedFile",
        title=_("Zwischengespeicherte Uploads"),
        fields=("uploaded_by_user", "file"),
        category=CATEGORY_AUTHORSHIP,
        purpose=_("Zwischenablage beim Hochladen mehrerer Bilder oder Dokumente."),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("bis das Hochladen abgeschlossen ist"),
    ),
    PersonalField(
        model="wagtailusers.UserProfile",
        fields=(
            "user",
            "submitted_notifications",
            "approved_notifications",
            "rejected_notifications",
            "updated_comments_notifications",
            "preferred_language",
            "current_time_zone",
            "avatar",
            "dismissibles",
            "theme",
            "contrast",
            "density",
            "keyboard_shortcuts",
        ),
        category=CATEGORY_SETTINGS,
        purpose=_(
            "Ihre Einstellungen im Redaktionssystem: Benachrichtigungen, Sprache, Darstellung."
        ),
        visible_to=(Audience.SELF,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=UNTIL_LEAVING,
        at_end=EndOfRetention.DELETE,
        on_leaving=_("Wird mit dem Konto gelöscht, wenn das Konto nach der Frist gelöscht wird."),
    ),
]
