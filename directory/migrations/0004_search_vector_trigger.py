"""PostgreSQL: keep `search_vector` in step with `search_document` in the same row write.

A trigger instead of a second UPDATE: every person is written once, so bulk loads (import,
seed_bulk) leave no dead row versions behind that slow the search down. No-op on SQLite.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION directory_person_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector('simple', coalesce(NEW.search_document, ''));
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS directory_person_search_vector ON directory_person;
CREATE TRIGGER directory_person_search_vector
    BEFORE INSERT OR UPDATE OF search_document ON directory_person
    FOR EACH ROW EXECUTE FUNCTION directory_person_search_vector();
"""
DROP = """
DROP TRIGGER IF EXISTS directory_person_search_vector ON directory_person;
DROP FUNCTION IF EXISTS directory_person_search_vector();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search_extensions_and_indexes")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
