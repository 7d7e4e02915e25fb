"""Wiki page render p95 against a trivial view of the same portal, in the same run.

PORTAL.md section 8: a knowledge page renders within 4× the p95 of a trivial view, and its
query count is fixed (does not grow with blocks). The trivial view is the accessibility
statement: the same login, session, middleware and base template, but a static body.
Two series: with the page body's fragment cache (what readers normally get; the cache key
follows the page's state) and with the cache bypassed (the first view after publishing).
Both are requested through Django's test client in one process, interleaved, so machine
noise hits both alike. Only the local database and Redis are used.

    python -m bench.wiki_render            # BENCH_DATABASE_URL / BENCH_REDIS_URL to override
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-RESULT "
REQUESTS = int(os.environ.get("BENCH_WIKI_REQUESTS", "300"))
WARMUP = 30
SMALL_BLOCKS, LARGE_BLOCKS = 1, 8  # copies of each of the eight block types
TARGET_RATIO = 4.0


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_wiki"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_COOKIES": "0",
        "HSTS_SECONDS": "0",
        "PORTAL_VAR_DIR": str(ROOT / "var" / "bench"),
        "STATIC_ROOT": str(ROOT / "var" / "static"),
    }


def database_prepare(env: dict[str, str]) -> None:
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            if not connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def blocks(copies: int, *, image_id: int, document_id: int, video_id: int) -> list[dict]:
    result = []
    for n in range(copies):
        result += [
            {"type": "heading_block", "value": {"heading_text": f"Abschnitt {n}", "size": "h2"}},
            {"type": "paragraph_block", "value": "<p>Die E-Akte ersetzt die Papierakte.</p>"},
            {
                "type": "callout_block",
                "value": {"kind": "hinweis", "title": "", "text": "<p>!</p>"},
            },
            {
                "type": "image_block",
                "value": {"image": image_id, "alt_text": "Foto", "caption": ""},
            },
            {"type": "document_block", "value": {"document": document_id, "title": ""}},
            {
                "type": "table_block",
                "value": {"caption": "T", "headers": ["A", "B"], "rows": [{"cells": ["1", "2"]}]},
            },
            {
                "type": "video_block",
                "value": {"title": "Film", "video": video_id, "captions": None, "transcript": ""},
            },
            {"type": "steps_block", "value": {"title": "So geht's", "steps": ["<p>Eins</p>"]}},
        ]
    return result


def seed():
    """An Amt with its section, a member, and two knowledge pages (few and many blocks)."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from directory import services
    from directory.models import OrgUnit, Person
    from wiki.models import AmtSectionPage, KnowledgePage

    referat = OrgUnit.objects.filter(number="BENCH").first() or services.org_unit_create(
        kind=OrgUnit.Kind.REFERAT, number="BENCH", name="Referat Benchmark"
    )
    amt = OrgUnit.objects.filter(number="99").first() or services.org_unit_create(
        kind=OrgUnit.Kind.AMT, number="99", name="Benchmarkamt", parent=referat
    )
    person = Person.objects.filter(personnel_number="BENCH-WIKI").first()
    if person is None:
        user = get_user_model().objects.create(username="bench-wiki")
        person = services.person_create(
            personnel_number="BENCH-WIKI", first_name="Bea", last_name="Bänkle", unit=amt, user=user
        )
    section = AmtSectionPage.objects.get(amt=amt)
    image = Image.objects.filter(title="bench").first() or Image.objects.create(
        title="bench", file=get_test_image_file()
    )

    def document(name: str) -> Document:
        existing = Document.objects.filter(title=name).first()
        if existing:
            return existing
        doc = Document(title=name, file_size=5)
        doc.file.save(name, ContentFile(b"hallo"), save=False)
        doc.save()
        return doc

    ids = {
        "image_id": image.pk,
        "document_id": document("bench.pdf").pk,
        "video_id": document("bench.mp4").pk,
    }
    pages = {}
    for copies in (SMALL_BLOCKS, LARGE_BLOCKS):
        slug = f"bench-{copies}"
        page = KnowledgePage.objects.filter(slug=slug).first()
        if page is None:
            page = KnowledgePage(
                title=f"Benchmark {copies}",
                slug=slug,
                body=blocks(copies, **ids),
                content_owner=person,
            )
            section.add_child(instance=page)
            page.save_revision().publish()
        pages[copies] = page
    return person.user, pages


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    env = environment()
    database_prepare(env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    user, pages = seed()
    client = Client()
    client.force_login(user)

    for cached in (True, False):
        if not cached:
            # The first view after publishing: the body's fragment cache is bypassed.
            from wagtail.templatetags.wagtail_cache import WagtailCacheNode

            WagtailCacheNode.render = lambda self, context: self.nodelist.render(context)
        measure(client, pages, trivial_url="/barrierefreiheit/", cached=cached)


def measure(client, pages, *, trivial_url: str, cached: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page_url = pages[LARGE_BLOCKS].url
    queries = {}
    for copies, page in pages.items():
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(page.url)
        queries[copies] = len(captured.captured_queries)

    for _ in range(WARMUP):
        timed(client, page_url)
        timed(client, trivial_url)
    page_times, trivial_times = [], []
    for _ in range(REQUESTS):
        page_times.append(timed(client, page_url))
        trivial_times.append(timed(client, trivial_url))

    page_p95, trivial_p95 = percentile(page_times, 95), percentile(trivial_times, 95)
    ratio = page_p95 / trivial_p95
    fixed = queries[SMALL_BLOCKS] == queries[LARGE_BLOCKS]
    state = "body cached" if cached else "body rendered afresh"
    print(
        f"knowledge page with {LARGE_BLOCKS * 8} blocks, {state}: p95 {page_p95:.2f} ms "
        f"(median {statistics.median(page_times):.2f} ms); trivial view p95 {trivial_p95:.2f} ms "
        f"(median {statistics.median(trivial_times):.2f} ms); ratio {ratio:.2f} "
        f"(target ≤ {TARGET_RATIO:.0f}×)"
    )
    print(
        f"queries: {queries[SMALL_BLOCKS]} with {SMALL_BLOCKS * 8} blocks, "
        f"{queries[LARGE_BLOCKS]} with {LARGE_BLOCKS * 8} blocks "
        f"({'fixed' if fixed else 'GROWING'})"
    )
    row = {
        "name": f"wiki page render p95 ({LARGE_BLOCKS * 8} blocks, {state})",
        "value": page_p95,
        "unit": "ms",
        "reference": trivial_p95,
        "ratio": ratio,
        "target": f"≤ {TARGET_RATIO:.0f}× trivial view, fixed query count",
        "met": ratio <= TARGET_RATIO and fixed,
        "note": f"{queries[LARGE_BLOCKS]} queries, {'fixed' if fixed else 'growing'}",
    }
    print(RESULT_PREFIX + json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
