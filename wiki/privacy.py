"""Personal data of the knowledge section, for the privacy register (intranet.privacy_register).

Wagtail's own personal fields (page revisions, log entries, comments, page owner) are
registered with the privacy register's Wagtail entries, not here.
"""

from django.utils.translation import gettext_lazy as _

from intranet.privacy_register import (
    LEGAL_BASIS_AGREEMENT,
    LEGAL_BASIS_EMPLOYMENT,
    Audience,
    EndOfRetention,
    PersonalField,
)

PERSONAL_DATA = [
    PersonalField(
        model="wiki.KnowledgePage",
        fields=("content_owner",),
        category=_("Verantwortung für Inhalte"),
        purpose=_(
            "Lesende wissen, wen sie zu einer Wissensseite fragen können; die verantwortliche "
            "Person wird an fällige Prüfungen erinnert."
        ),
        visible_to=(Audience.COLLEAGUES,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("solange die Person die Seite verantwortet; beim Ausscheiden geleert"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="wiki.TrainingPage",
        fields=("content_owner",),
        category=_("Verantwortung für Inhalte"),
        purpose=_(
            "Lesende wissen, wen sie zum Schulungsmaterial fragen können; die verantwortliche "
            "Person wird an fällige Prüfungen erinnert."
        ),
        visible_to=(Audience.COLLEAGUES,),
        legal_basis=LEGAL_BASIS_EMPLOYMENT,
        retention=_("solange die Person das Material verantwortet; beim Ausscheiden geleert"),
        at_end=EndOfRetention.DELETE,
    ),
    PersonalField(
        model="wiki.PageFeedback",
        fields=("comment",),
        category=_("Rückmeldungen zu Seiten (ohne Personenbezug)"),
        purpose=_(
            "Verantwortliche verbessern Seiten anhand freiwilliger Kommentare. Gespeichert "
            "ohne Benutzer, Sitzung und Uhrzeit; Freitext kann dennoch Namen enthalten."
        ),
        visible_to=(Audience.REDAKTION,),
        legal_basis=LEGAL_BASIS_AGREEMENT,
        retention=_("solange die Seite besteht"),
        at_end=EndOfRetention.DELETE,
    ),
]
