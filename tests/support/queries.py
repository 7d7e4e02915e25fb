"""Query-count assertions that print every SQL statement when the count is wrong."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_query_count(expected: int, *, using=connection):
    with CaptureQueriesContext(using) as context:
        yield context
    executed = len(context.captured_queries)
    if executed != expected:
        statements = "\n".join(
            f"{number}. {query['sql']}" for number, query in enumerate(context.captured_queries, 1)
        )
        raise AssertionError(
            f"Expected {expected} queries, {executed} were executed:\n{statements}"
        )
