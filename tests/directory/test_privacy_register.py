"""P5: every field of the directory's models that holds personal data is in the register."""

from django.apps import apps

from intranet import privacy_register

PERSONAL_MODELS = {
    "directory.Person": {"id"},
    "directory.LoginSession": {"id"},
    # Reverse side of Person.further_units, which is registered on Person.
    "directory.OrgUnit": {
        "further_members",
        "id",
        "kind",
        "number",
        "name",
        "parent",
        "also_known_as",
        "phone",
        "email",
        "address",
    },
}


def test_every_personal_field_of_the_directory_is_registered():
    registered: dict[str, set[str]] = {}
    for entry in privacy_register.entries():
        registered.setdefault(entry.model, set()).update(entry.fields)
    for label, not_personal in PERSONAL_MODELS.items():
        model = apps.get_model(label)
        fields = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
        missing = fields - not_personal - registered.get(label, set())
        assert not missing, f"{label}: {sorted(missing)} fehlen im Verarbeitungsverzeichnis"


def test_each_voluntary_field_has_its_own_visibility_defaulting_to_nur_ich():
    """VOLUNTARY_FIELDS is the one list (P6); the register, the profile form and its service
    derive from it, so a field added there without a visibility would fail here."""
    from directory.forms import ProfileForm
    from directory.models import VOLUNTARY_FIELDS, Person, Visibility
    from directory.services import PROFILE_FIELDS

    voluntary = next(
        entry
        for entry in privacy_register.entries()
        if entry.model == "directory.Person" and "mobile" in entry.fields
    )
    for field in VOLUNTARY_FIELDS:
        visibility = Person._meta.get_field(f"{field}_visibility")
        assert visibility.choices == Visibility.choices
        assert visibility.default == Visibility.SELF
        for name in (field, f"{field}_visibility"):
            assert name in voluntary.fields
            assert name in ProfileForm.base_fields
            assert name in PROFILE_FIELDS
