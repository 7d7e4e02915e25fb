"""Writes of the site shell: the audit log and the co-determined feature switches."""

from django.db import models, transaction

from intranet.features import FEATURES_BY_KEY, feature_enabled
from intranet.models import AuditEntry, FeatureSwitch


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
