"""P9: the audit log is append-only; feature switches are audited."""

import pytest
from django.conf import settings

from intranet.features import feature_enabled
from intranet.models import AuditEntry
from intranet.services import audit_record, feature_switch_set


def audit_entries():
    """Audit entries other than the wiki section set-up that every new Amt records."""
    return AuditEntry.objects.exclude(action="wiki.section_permissions")


pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted(person_in_32):
    entry = audit_record(actor=person_in_32.user, action="test.action", summary="x")
    entry.summary = "geändert"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "x"


def test_switching_a_feature_is_audited(person_in_32):
    assert feature_enabled("presence") is True
    feature_switch_set(actor=person_in_32.user, key="presence", enabled=False)
    assert feature_enabled("presence") is False
    entry = AuditEntry.objects.get(action="feature.switch")
    assert entry.actor == person_in_32.user
    assert entry.changes == {"key": "presence", "enabled": [True, False]}
    feature_switch_set(actor=person_in_32.user, key="presence", enabled=False)
    assert AuditEntry.objects.filter(action="feature.switch").count() == 1  # no change, no entry


def test_bulk_update_and_delete_are_refused(person_in_32):
    audit_record(actor=person_in_32.user, action="test.action")
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(summary="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert audit_entries().count() == 1


def test_deleting_an_account_keeps_its_audit_entries_unchanged(person_in_32):
    user_pk = person_in_32.user.pk
    entry = audit_record(actor=person_in_32.user, action="test.action")
    person_in_32.user.delete()
    assert AuditEntry.objects.filter(pk=entry.pk, actor_id=user_pk).exists()


postgres_only = pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="the append-only trigger exists on PostgreSQL only"
)


def _raw(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@postgres_only
def test_database_rejects_update_and_delete(person_in_32):
    from django.db import DatabaseError, transaction

    entry = audit_record(actor=person_in_32.user, action="test.action", summary="x")
    for sql in [
        "UPDATE intranet_auditentry SET summary = 'gefälscht' WHERE id = %s",
        "DELETE FROM intranet_auditentry WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "x"


@pytest.mark.postgres
@postgres_only
def test_database_lets_the_purge_path_delete_only_expired_entries(person_in_32):
    import datetime

    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from intranet.privacy_register import entries

    young = audit_record(actor=person_in_32.user, action="young")
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("SELECT set_config('portal.audit_purge', 'on', true)")
        _raw("DELETE FROM intranet_auditentry WHERE id = %s", [young.pk])
    assert AuditEntry.objects.filter(pk=young.pk).exists()
    # The period in the trigger is the register's.
    days = next(e.retention_days for e in entries() if e.model_label == "intranet.AuditEntry")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('intranet_auditentry_append_only'::regproc)")
        assert f"interval '{days} days'" in cursor.fetchone()[0]
    # Even the purge path cannot remove an entry inside its period.
    with pytest.raises(DatabaseError, match="append-only"):
        AuditEntry.objects.purge_before(timezone.now() + datetime.timedelta(days=1))
    assert AuditEntry.objects.filter(pk=young.pk).exists()
