"""P5: the wiki's personal fields are in the privacy register."""

from intranet.privacy_register import entries


def _registered() -> set[tuple[str, str]]:
    return {(entry.model, field) for entry in entries() for field in entry.fields}


def test_content_owners_are_registered():
    registered = _registered()
    assert ("wiki.KnowledgePage", "content_owner") in registered
    assert ("wiki.TrainingPage", "content_owner") in registered


def test_every_person_or_user_key_in_the_wiki_is_registered():
    from django.apps import apps

    registered = _registered()
    # Fields the wiki declares itself; Wagtail's inherited ones (owner, locked_by, ...)
    # are registered with Wagtail's entries in the central register.
    for model in apps.get_app_config("wiki").get_models():
        for field in model._meta.local_fields:
            related = getattr(field, "related_model", None)
            if related is None:
                continue
            if related._meta.label in ("directory.Person", "auth.User"):
                assert (model._meta.label, field.name) in registered, (model, field.name)
