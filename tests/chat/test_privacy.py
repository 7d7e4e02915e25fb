"""P5 for the chat: every field that points at a person, and the chat content, is registered."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from chat import presence
from intranet.privacy_register import entries
from tests.support.queries import assert_query_count


def test_every_personal_chat_field_is_in_the_register():
    registered = {(entry.model, name) for entry in entries() for name in entry.fields}
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_app_config("chat").get_models()
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is get_user_model()
        and (model._meta.label, field.name) not in registered
    ]
    assert missing == []
    for content in ("text", "html", "author"):
        assert ("chat.Message", content) in registered


@pytest.mark.django_db
def test_presence_lives_in_the_cache_only():
    # P2: showing presence writes nothing to the database, ever.
    with assert_query_count(0):
        presence.presence_touch(user_id=1)
        presence.presence_clear(user_id=1)
