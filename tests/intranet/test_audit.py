"""P9: the audit log is append-only; feature switches are audited."""

import pytest

from intranet.features import feature_enabled
from intranet.models import AuditEntry
from intranet.services import audit_record, feature_switch_set

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
