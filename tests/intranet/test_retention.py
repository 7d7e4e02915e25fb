"""P7: purge_expired applies every retention period in the register (frozen time)."""

import datetime
import importlib.util
from io import StringIO

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from intranet.models import AuditEntry
from intranet.privacy_register import entries
from intranet.services import audit_record, retention_purge


def audit_entries():
    """Audit entries other than the wiki section set-up that every new Amt records."""
    return AuditEntry.objects.exclude(action="wiki.section_permissions")


pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _days_ago(days: int):
    return time_machine.travel(NOW - datetime.timedelta(days=days), tick=False)


def test_every_period_in_the_register_has_a_purge_path():
    for entry in entries():
        if entry.retention_days is None or entry.retention_field:
            continue
        app = entry.model_class._meta.app_config.name
        assert importlib.util.find_spec(f"{app}.retention"), (
            f"{entry.model_label} has retention_days but neither retention_field nor "
            f"{app}/retention.py with purge_expired(now)"
        )


def test_audit_entries_past_two_years_are_gone_and_younger_ones_stay(person_in_32):
    with _days_ago(731):
        old = audit_record(actor=person_in_32.user, action="old")
    with _days_ago(729):
        young = audit_record(actor=person_in_32.user, action="young")
    with time_machine.travel(NOW, tick=False):
        counts = retention_purge(now=timezone.now())
    assert counts["intranet.AuditEntry"] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=young.pk).exists()


def test_wagtail_log_entries_follow_the_register(person_in_32):
    home = Page.objects.get(depth=2).specific
    with _days_ago(366):
        old_page = PageLogEntry.objects.log_action(home, "wagtail.edit", user=person_in_32.user)
        old_model = ModelLogEntry.objects.log_action(
            person_in_32, "wagtail.edit", user=person_in_32.user
        )
    with _days_ago(364):
        young_page = PageLogEntry.objects.log_action(home, "wagtail.edit", user=person_in_32.user)
    retention_purge(now=NOW)
    assert not PageLogEntry.objects.filter(pk=old_page.pk).exists()
    assert not ModelLogEntry.objects.filter(pk=old_model.pk).exists()
    assert PageLogEntry.objects.filter(pk=young_page.pk).exists()


def test_expired_sessions_and_editing_sessions_are_gone(person_in_32):
    with _days_ago(2):
        stale = SessionStore()
        stale["_auth_user_id"] = str(person_in_32.user.pk)
        stale.set_expiry(3600)
        stale.create()
        EditingSession.objects.create(
            user=person_in_32.user,
            content_type=ContentType.objects.get_for_model(Page),
            object_id="1",
            last_seen_at=timezone.now(),
        )
    with time_machine.travel(NOW, tick=False):
        current = SessionStore()
        current.set_expiry(3600)
        current.create()
    retention_purge(now=NOW)
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
    assert not EditingSession.objects.exists()


def test_running_twice_removes_nothing_more(person_in_32):
    with _days_ago(800):
        audit_record(actor=person_in_32.user, action="old")
    audit_record(actor=person_in_32.user, action="today")
    first = retention_purge(now=NOW)
    second = retention_purge(now=NOW)
    assert first["intranet.AuditEntry"] == 1
    assert sum(second.values()) == 0
    assert audit_entries().count() == 1


def test_apps_retention_modules_are_called(monkeypatch, person_in_32):
    import types

    from intranet import services

    calls = []
    fake = types.SimpleNamespace(purge_expired=lambda now: calls.append(now) or {"chat.Message": 3})
    real = services.retention_modules
    monkeypatch.setattr(services, "retention_modules", lambda: [*real(), fake])
    assert retention_purge(now=NOW)["chat.Message"] == 3
    assert calls == [NOW]


def test_command_reports_counts(person_in_32):
    with _days_ago(900):
        audit_record(actor=person_in_32.user, action="old")
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "intranet.AuditEntry: 1" in out.getvalue()
