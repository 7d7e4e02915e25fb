"""Wiki page render p95 against the trivial view of the same portal, in the same run
(PORTAL.md section 8: ≤ 4× the trivial view's p95; the query count is fixed and does not
grow with blocks or children).

The trivial view is the accessibility statement: the same login, session, middleware and
base template (navigation, search box), but a static body. So the ratio is what a wiki
page costs beyond any page of the portal.

1. Under load, through the proxy: 20 logged-in people (distinct sessions) read several
   knowledge and training pages (the demo pages and two benchmark pages with 8 and 64
   blocks) through nginx and two daphne processes, in alternating blocks with the trivial
   view at the same concurrency, so noise hits both alike. The bodies' fragment cache is
   warm, as for readers.
2. Render cost, in one process through Django's test client, interleaved with the
   trivial view: the 64-block page with the body's fragment cache (what readers normally
   get; the cache key follows the page's state) and with the cache bypassed (the first
   view after publishing). The query count is taken for 8 and for 64 blocks; that it does
   not grow with children either is checked by tests/wiki/test_query_counts.py.

    python -m bench.wiki_render      # BENCH_WIKI_REQUESTS, BENCH_WIKI_LOAD_REQUESTS, BENCH_QUICK
"""

import statistics
import sys
import time

from bench.cluster import Cluster
from bench.common import (
    database_prepare,
    demo_seed,
    django_setup,
    percentile,
    portal_environment,
    report,
    session_cookies_for,
    size,
)
from bench.http_load import run_compare

REQUESTS = size("BENCH_WIKI_REQUESTS", 300, 100)
LOAD_REQUESTS = size("BENCH_WIKI_LOAD_REQUESTS", 1200, 300)
WARMUP = 30
USERS = 20
SMALL_BLOCKS, LARGE_BLOCKS = 1, 8  # copies of each of the eight block types
TARGET_RATIO = 4.0
TRIVIAL = "/barrierefreiheit/"


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
        kind=OrgUnit.Kind.REFERAT, number="BENCH", name="Referat Benchmark", actor=services.SYSTEM
    )
    amt = OrgUnit.objects.filter(number="99").first() or services.org_unit_create(
        kind=OrgUnit.Kind.AMT,
        number="99",
        name="Benchmarkamt",
        parent=referat,
        actor=services.SYSTEM,
    )
    person = Person.objects.filter(personnel_number="BENCH-WIKI").first()
    if person is None:
        user = get_user_model().objects.create(username="bench-wiki")
        person = services.person_create(
            personnel_number="BENCH-WIKI",
            first_name="Bea",
            last_name="Bänkle",
            unit=amt,
            user=user,
            actor=services.SYSTEM,
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


def readers(count: int):
    """Demo people with accounts (each in an Amt), as the readers under load."""
    from directory.models import Person

    people = (
        Person.objects.filter(user__isnull=False, user__is_active=True, is_active=True)
        .exclude(personnel_number__startswith="B")
        .exclude(personnel_number__startswith="I")
        .select_related("user")
        .order_by("personnel_number")[:count]
    )
    return [person.user for person in people]


def reader_pages(pages) -> list[str]:
    """The benchmark pages plus the live demo knowledge and training pages that every
    employee may read (no view restriction)."""
    from wagtail.models import PageViewRestriction

    from wiki.models import KnowledgePage, TrainingPage

    restricted = PageViewRestriction.objects.values_list("page__path", flat=True)
    urls = [page.url for page in pages.values()]
    for model in (KnowledgePage, TrainingPage):
        for page in model.objects.live().exclude(slug__startswith="bench-").order_by("path")[:4]:
            if not any(page.path.startswith(path) for path in restricted):
                urls.append(page.url)
    return urls


def measure_under_load(env, pages) -> None:
    paths = reader_pages(pages)
    cookies = session_cookies_for(readers(USERS))
    print(f"pages under load: {', '.join(paths)}")
    with Cluster(daphne_count=2, env=env, prepare=False) as cluster:
        wiki, trivial = run_compare(
            cluster.url,
            paths,
            [TRIVIAL],
            cookies=cookies,
            concurrency=USERS,
            requests=LOAD_REQUESTS,
        )
    for label, row in (("trivial view", trivial), ("wiki pages", wiki)):
        print(
            f"{label:<12} under load: p50 {row['p50']:7.2f} ms  p95 {row['p95']:7.2f} ms  "
            f"{row['rps']:6.0f} requests/s  {row['errors']} errors of {row['count']}"
        )
    if wiki["errors"] or trivial["errors"]:
        sys.exit("Fehlerhafte Antworten – Messung ungültig.")
    ratio = wiki["p95"] / trivial["p95"]
    report(
        name=f"wiki pages p95, {len(paths)} pages, {USERS} users, nginx + 2 daphne",
        value=wiki["p95"],
        unit="ms",
        reference=trivial["p95"],
        ratio=ratio,
        target=f"≤ {TARGET_RATIO:.0f}× trivial view",
        met=ratio <= TARGET_RATIO,
        note=f"p50 {wiki['p50']:.1f} vs {trivial['p50']:.1f} ms; bodies cached",
    )


def main() -> None:
    env = portal_environment()
    env["ALLOWED_HOSTS"] += ",testserver"
    database_prepare(env)
    demo_seed(env)  # people with accounts and the demo knowledge pages
    django_setup(env)
    from django.test import Client

    user, pages = seed()
    measure_under_load(env, pages)

    client = Client()
    client.force_login(user)
    for cached in (True, False):
        if not cached:
            # The first view after publishing: the body's fragment cache is bypassed.
            from wagtail.templatetags.wagtail_cache import WagtailCacheNode

            WagtailCacheNode.render = lambda self, context: self.nodelist.render(context)
        measure(client, pages, trivial_url=TRIVIAL, cached=cached)


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
    report(
        name=f"wiki page render p95 ({LARGE_BLOCKS * 8} blocks, {state}, one process)",
        value=page_p95,
        unit="ms",
        reference=trivial_p95,
        ratio=ratio,
        target=f"≤ {TARGET_RATIO:.0f}× trivial view, fixed query count",
        met=ratio <= TARGET_RATIO and fixed,
        note=f"{queries[SMALL_BLOCKS]} queries with {SMALL_BLOCKS * 8} blocks, "
        f"{queries[LARGE_BLOCKS]} with {LARGE_BLOCKS * 8}: {'fixed' if fixed else 'GROWING'}",
    )


if __name__ == "__main__":
    main()
