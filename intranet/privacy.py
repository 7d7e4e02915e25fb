"""Personal data of the site shell, for the privacy register (intranet.privacy_register).

The entries for Django's, Wagtail's and guardian's models are in `privacy_framework.py`
and are collected through this module.
"""

from django.utils.translation import gettext_lazy as _

from intranet import privacy_framework
from intranet.privacy_register import (
    LEGAL_BASIS_OPERATION,
    Audience,
    EndOfRetention,
    PersonalField,
)

PERSONAL_MODELS = [*privacy_framework.PERSONAL_MODELS]

PERSONAL_DATA = [
    PersonalField(
        model="intranet.AuditEntry",
        fields=("actor", "created_at", "action", "target_type", "target_id", "summary", "changes"),
        category=_("Protokoll der Verwaltungsaktionen"),
        purpose=_(
            "Nachvollziehen, wer Personaldaten, Berechtigungen, Importe und Funktionsschalter "
            "geändert hat. Lesezugriffe werden nie protokolliert."
        ),
        visible_to=(Audience.ADMINS,),
        legal_basis=LEGAL_BASIS_OPERATION,
        retention=_("2 Jahre"),
        retention_days=730,
        at_end=EndOfRetention.DELETE,
        # What was changed may be other people's data; "Meine Daten" shows only that and
        # when the person acted.
        masked=("target_id", "summary", "changes"),
    ),
    *privacy_framework.PERSONAL_DATA,
]
