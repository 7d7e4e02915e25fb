"""PostgreSQL: pg_trgm and GIN indexes for the directory search; a no-op on SQLite.

Also fills the search columns of people that existed before them (both databases).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "person_search_vector_gin",
        "CREATE INDEX IF NOT EXISTS person_search_vector_gin "
        "ON directory_person USING gin (search_vector)",
    ),
    (
        "person_search_document_trgm",
        "CREATE INDEX IF NOT EXISTS person_search_document_trgm "
        "ON directory_person USING gin (search_document gin_trgm_ops)",
    ),
    (
        "person_search_names_trgm",
        "CREATE INDEX IF NOT EXISTS person_search_names_trgm "
        "ON directory_person USING gin (search_names gin_trgm_ops)",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def fill_search_columns(apps, schema_editor):
    from directory import search

    Person = apps.get_model("directory", "Person")
    people = list(Person.objects.select_related("unit__parent__parent"))
    for person in people:
        for name, value in search.person_search_columns(
            person, public_topics=person.topics_visibility == "all"
        ).items():
            setattr(person, name, value)
    Person.objects.bulk_update(
        people, ["search_document", "search_names", "search_phonetic"], batch_size=1000
    )
    if schema_editor.connection.vendor == "postgresql":
        # Rows written before the trigger of migration 0004 existed.
        schema_editor.execute(
            "UPDATE directory_person SET search_vector = to_tsvector('simple', search_document)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_voluntary_data_search_and_sessions"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
