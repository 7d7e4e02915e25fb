"""Bulk inserts for the HR import: PostgreSQL's COPY where available, bulk_create elsewhere.

The import writes tens of thousands of rows at once; COPY is PostgreSQL's own tool for that
and runs inside the import's transaction like any other statement. Row triggers (the search
vector, migration 0004) fire for COPY too. Objects are prepared exactly as Django would save
them (`get_db_prep_save`), so defaults such as the uuid are the model's own. Fields with
`auto_now` or uncommitted files are not supported (the import has none).
"""

from django.db import connection


def bulk_insert(model, objects: list) -> None:
    """Insert new model instances without reading their ids back."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=2000)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for instance in objects:
            copy.write_row(
                [
                    field.get_db_prep_save(getattr(instance, field.attname), connection)
                    for field in fields
                ]
            )
