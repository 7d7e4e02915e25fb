"""Retention of the site shell's data: audit entries and sessions (called by purge_expired).

Every app may provide `<app>/retention.py` with `purge_expired(now) -> dict[str, int]`
(model label → rows removed) for periods the register cannot express as one date field,
e.g. chat messages with a period per room. Entries with `retention_field` are purged
generically by `intranet.services.retention_purge`.
"""

import datetime

from django.contrib.sessions.models import Session

from intranet.models import AuditEntry
from intranet.privacy_register import entries


def retention_days_of(model_label: str) -> int:
    for entry in entries():
        if entry.model_label == model_label and entry.retention_days is not None:
            return entry.retention_days
    raise LookupError(f"Keine Aufbewahrungsfrist im Verzeichnis für {model_label}")


def purge_expired(now: datetime.datetime) -> dict[str, int]:
    audit_cutoff = now - datetime.timedelta(days=retention_days_of("intranet.AuditEntry"))
    sessions, _by_model = Session.objects.filter(expire_date__lt=now).delete()
    return {
        "intranet.AuditEntry": AuditEntry.objects.purge_before(audit_cutoff),
        "sessions.Session": sessions,
    }
