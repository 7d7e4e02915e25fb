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
