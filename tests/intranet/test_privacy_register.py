"""P5: every stored personal field is in the privacy register, and the register is not stale."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test.utils import isolate_apps

from intranet import privacy_register
from intranet.privacy_register import (
    PersonalField,
    entries,
    register_file_for,
    stale_entries,
    unregistered_fields,
)


def _suggestion(model, field_name: str) -> str:
    return (
        f"{model._meta.label}.{field_name}: add to {register_file_for(model)} PERSONAL_DATA: "
        f"PersonalField(model={model._meta.label!r}, fields=({field_name!r},), category=..., "
        "purpose=..., visible_to=(...), legal_basis=..., retention=...)"
    )


def test_every_personal_field_is_registered():
    missing = unregistered_fields()
    assert not missing, "Personal fields missing from the privacy register (P5):\n" + "\n".join(
        _suggestion(model, name) for model, name in missing
    )


def test_register_names_only_existing_fields():
    assert stale_entries() == []


def test_the_walk_covers_the_framework_models():
    # Guard against a walk that finds nothing: these must be registered, i.e. seen.
    registered = {(entry.model_label, name) for entry in entries() for name in entry.fields}
    for label, name in [
        ("auth.User", "last_login"),
        ("auth.User", "groups"),
        ("sessions.Session", "expire_date"),
        ("wagtailcore.PageLogEntry", "user"),
        ("wagtailcore.Revision", "user"),
        ("guardian.UserObjectPermission", "user"),
        ("directory.Person", "last_name"),
        ("intranet.AuditEntry", "actor"),
    ]:
        assert (label, name) in registered


def _careless_model():
    """A model a careless developer might add: it points at a user (kept out of the registry)."""
    with isolate_apps("intranet"):

        class _Reader(models.Model):  # noqa: DJ008
            reader = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
            note = models.CharField(max_length=10)

            class Meta:
                app_label = "intranet"

    return _Reader


def test_an_unregistered_relation_to_a_user_fails_with_a_suggestion(monkeypatch):
    _Reader = _careless_model()
    real = apps.get_models
    monkeypatch.setattr(apps, "get_models", lambda *a, **k: [*real(*a, **k), _Reader])
    missing = unregistered_fields()
    assert [(model._meta.label, name) for model, name in missing] == [
        ("intranet._Reader", "reader")
    ]
    message = _suggestion(*missing[0])
    assert "add to intranet/privacy.py PERSONAL_DATA" in message
    assert "fields=('reader',)" in message


def test_fields_of_a_personal_model_all_count(monkeypatch):
    _Reader = _careless_model()
    real = apps.get_models
    monkeypatch.setattr(apps, "get_models", lambda *a, **k: [*real(*a, **k), _Reader])
    real_personal = privacy_register.personal_models
    monkeypatch.setattr(
        privacy_register, "personal_models", lambda: real_personal() | {"intranet._Reader"}
    )
    missing = {(model._meta.label, name) for model, name in unregistered_fields()}
    assert missing == {("intranet._Reader", "reader"), ("intranet._Reader", "note")}


def test_a_stale_entry_is_reported(monkeypatch):
    stale = PersonalField(
        model="directory.Person",
        fields=("shoe_size",),
        category="x",
        purpose="x",
        visible_to=(),
        legal_basis="x",
        retention="x",
    )
    real = privacy_register.entries
    monkeypatch.setattr(privacy_register, "entries", lambda: [*real(), stale])
    assert any("directory.Person.shoe_size" in problem for problem in stale_entries())


def test_framework_fields_are_declared_in_the_framework_module():
    assert register_file_for(apps.get_model("wagtailcore.Page")) == "intranet/privacy_framework.py"
    assert register_file_for(apps.get_model("directory.Person")) == "directory/privacy.py"


@pytest.mark.parametrize("entry", entries(), ids=lambda e: f"{e.model}:{e.fields[0]}")
def test_every_entry_is_complete(entry):
    assert entry.category and entry.purpose and entry.legal_basis and entry.retention
    assert entry.visible_to
