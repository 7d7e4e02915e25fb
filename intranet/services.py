"""Writes of the site shell: the audit log, the co-determined feature switches, retention."""

import datetime
import importlib

from django.apps import apps
from django.db import models, transaction

from intranet.features import FEATURES_BY_KEY, feature_enabled
from intranet.models import AuditEntry, FeatureSwitch
from intranet.privacy_register import EndOfRetention, PersonalField, entries


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Record one administrative action (P9). Never call this for reads.

    `changes` is a JSON diff such as {"unit": ["32.1", "50.2"]}, or counts for bulk actions;
    it must not copy whole personal records.
    """
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        changes=changes or {},
    )


@transaction.atomic
def feature_switch_set(*, actor, key: str, enabled: bool) -> None:
    if key not in FEATURES_BY_KEY:
        raise ValueError(f"Unknown feature: {key}")
    before = feature_enabled(key)
    FeatureSwitch.objects.update_or_create(key=key, defaults={"enabled": enabled})
    if before != enabled:
        audit_record(
            actor=actor,
            action="feature.switch",
            summary=f"{FEATURES_BY_KEY[key].label}: {'an' if enabled else 'aus'}",
            changes={"key": key, "enabled": [before, enabled]},
        )


def _purge_entry(*, entry: PersonalField, now: datetime.datetime) -> int:
    """Apply one register entry's period through its `retention_field`."""
    cutoff = now - datetime.timedelta(days=entry.retention_days)
    expired = entry.model_class._base_manager.filter(**{f"{entry.retention_field}__lt": cutoff})
    if entry.at_end == EndOfRetention.ANONYMISE:
        model = entry.model_class
        return expired.update(
            **{
                name: None
                for name in entry.person_fields
                if not model._meta.get_field(name).many_to_many
            }
        )
    deleted, _by_model = expired.delete()
    return deleted


def retention_modules():
    """The apps' `retention.py` modules that provide `purge_expired(now)`."""
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.retention")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.retention":
                raise
            continue
        if hasattr(module, "purge_expired"):
            yield module


def retention_purge(*, now: datetime.datetime) -> dict[str, int]:
    """Remove everything past its retention period (P7): `manage.py purge_expired`, daily.

    Register entries with `retention_days` and `retention_field` are purged here; every
    app's `retention.py` handles the rest (e.g. chat messages per room, audit entries).
    Running it twice removes nothing more; it never records an audit entry of its own.
    """
    counts: dict[str, int] = {}
    for entry in entries():
        if entry.retention_days is not None and entry.retention_field:
            with transaction.atomic():
                removed = _purge_entry(entry=entry, now=now)
            counts[entry.model_label] = counts.get(entry.model_label, 0) + removed
    for module in retention_modules():
        for label, removed in module.purge_expired(now).items():
            counts[label] = counts.get(label, 0) + removed
    return counts
