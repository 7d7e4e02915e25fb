"""Recompute every person's search columns after the folding learnt Ł, Ø, Æ, Þ, Đ and the
other Latin letters without a decomposition (directory/search.py, UNDECOMPOSABLE).

Rows written before this migration carry the old folding ("Łukasz" stored as "ukasz"), so
"Lukasz" would not find them until each person was saved again. Both databases; on
PostgreSQL the trigger of migration 0004 refreshes `search_vector` in the same write.
"""

from django.db import migrations

BATCH = 1000


def refold(apps, schema_editor):
    from directory import search

    Person = apps.get_model("directory", "Person")
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        people = list(
            Person.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                "unit__parent__parent"
            )
        )
        for person in people:
            for name, value in search.person_search_columns(
                person, public_topics=person.topics_visibility == "all"
            ).items():
                setattr(person, name, value)
        Person.objects.bulk_update(
            people, ["search_document", "search_names", "search_phonetic"], batch_size=BATCH
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_vector_trigger")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
