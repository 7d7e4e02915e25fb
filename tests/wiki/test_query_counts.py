"""Every page template costs a fixed number of queries, however many blocks or children."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from intranet.models import HomePage
from tests.support.queries import assert_query_count
from tests.wiki.conftest import (
    add_knowledge_page,
    add_news_page,
    add_training_page,
    city_section,
    restrict_to_amt,
)

pytestmark = pytest.mark.django_db

# Measured and reviewed. A knowledge page: user, site, home page, the page by URL path
# (+ specific), ancestors' aliases and view restrictions (Wagtail's serve check), current
# person, Digital Mover sections, feature switch, breadcrumbs, topics, feedback sums, owner,
# then one query per block type in use (images + renditions, documents, videos, captions),
# and 2× permissions for the footer's admin link. No session write: the session is
# refreshed at most every SESSION_REFRESH_SECONDS (tests/intranet/test_session_timeout.py).
KNOWLEDGE_PAGE_QUERIES = 21
BLOCK_TYPE_QUERIES = 5  # images, renditions, documents, videos, captions (cached away)
TRAINING_PAGE_QUERIES = 16
SECTION_QUERIES = 16
WIKI_INDEX_QUERIES = 15
SEARCH_QUERIES = 17
HOME_QUERIES = 16  # + the chat rooms with the own unread counts ("Meine Räume")


def _document(name: str, extension: str) -> Document:
    document = Document(title=name, file_size=5)
    document.file.save(f"{name}.{extension}", ContentFile(b"hallo"), save=False)
    document.save()
    return document


def _blocks(copies: int) -> list[dict]:
    image = Image.objects.create(title="Foto", file=get_test_image_file())
    pdf, video, captions = (
        _document("Plan", "pdf"),
        _document("Film", "mp4"),
        _document("Film", "vtt"),
    )
    blocks = []
    for n in range(copies):
        blocks += [
            {"type": "heading_block", "value": {"heading_text": f"Teil {n}", "size": "h2"}},
            {"type": "paragraph_block", "value": "<p>Text über die E-Akte.</p>"},
            {
                "type": "callout_block",
                "value": {"kind": "achtung", "title": "", "text": "<p>!</p>"},
            },
            {
                "type": "image_block",
                "value": {"image": image.pk, "alt_text": "Foto", "caption": ""},
            },
            {"type": "document_block", "value": {"document": pdf.pk, "title": ""}},
            {
                "type": "table_block",
                "value": {"caption": "T", "headers": ["A", "B"], "rows": [{"cells": ["1", "2"]}]},
            },
            {
                "type": "video_block",
                "value": {
                    "title": "Film",
                    "video": video.pk,
                    "captions": captions.pk,
                    "transcript": "",
                },
            },
            {"type": "steps_block", "value": {"title": "So geht's", "steps": ["<p>Eins</p>"]}},
        ]
    return blocks


def _count(client, url, expected):
    client.get(url)  # warm caches (site root paths, renditions) as in normal operation
    with assert_query_count(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def uncached_bodies(monkeypatch):
    """Render page bodies as on the first view after publishing (no fragment cache)."""
    from wagtail.templatetags.wagtail_cache import WagtailCacheNode

    monkeypatch.setattr(
        WagtailCacheNode, "render", lambda self, context: self.nodelist.render(context)
    )


@pytest.mark.parametrize("copies", [1, 6])
def test_knowledge_page_queries_do_not_grow_with_blocks(
    client_32, section_32, mover_32, uncached_bodies, copies
):
    page = add_knowledge_page(section_32, body=_blocks(copies), owner=mover_32)
    page.tags.add("E-Akte", "Ablage", "Scan")
    page.save_revision().publish()
    html = _count(client_32, page.url, KNOWLEDGE_PAGE_QUERIES).content.decode()
    assert html.count("<video") == copies
    assert html.count('alt="Foto"') == copies


def test_cached_knowledge_page_body_skips_the_block_queries(client_32, section_32, mover_32):
    page = add_knowledge_page(section_32, body=_blocks(2), owner=mover_32)
    html = _count(client_32, page.url, KNOWLEDGE_PAGE_QUERIES - BLOCK_TYPE_QUERIES).content.decode()
    assert html.count("<video") == 2
    # Publishing a change renders the body afresh (the cache key follows the page state).
    page.body = _blocks(1)
    page.save_revision().publish()
    assert client_32.get(page.url).content.decode().count("<video") == 1


@pytest.mark.parametrize("copies", [1, 6])
def test_training_page_queries_do_not_grow_with_materials(client_32, section_32, mover_32, copies):
    pdf = _document("Handout", "pdf")
    page = add_training_page(
        section_32,
        owner=mover_32,
        materials=[{"type": "document", "value": {"document": pdf.pk, "title": ""}}] * copies,
    )
    html = _count(client_32, page.url, TRAINING_PAGE_QUERIES).content.decode()
    assert html.count(">Handout<") == copies


@pytest.mark.parametrize("children", [1, 8])
def test_section_queries_do_not_grow_with_children(
    client_32, section_32, mover_32, person_in_32, children
):
    for n in range(children):
        add_knowledge_page(section_32, title=f"Seite {n}", owner=mover_32)
        add_training_page(section_32, title=f"Schulung {n}", owner=mover_32)
        add_news_page(section_32, title=f"Meldung {n}")
    restrict_to_amt(add_knowledge_page(section_32, title="Intern", owner=mover_32), section_32.amt)
    _count(client_32, section_32.url, SECTION_QUERIES)


@pytest.mark.parametrize("children", [1, 8])
def test_wiki_index_queries_do_not_grow(client_32, section_32, mover_32, children):
    for n in range(children):
        add_knowledge_page(section_32, title=f"Seite {n}", owner=mover_32).tags.add(f"Thema {n}")
    _count(client_32, "/wissen/", WIKI_INDEX_QUERIES)
    _count(client_32, "/wissen/?thema=thema-0", WIKI_INDEX_QUERIES + 3)


@pytest.mark.parametrize("matches", [2, 12])
def test_search_queries_do_not_grow(client_32, section_32, mover_32, matches):
    for n in range(matches):
        add_knowledge_page(section_32, title=f"E-Akte Ablage {n}", owner=mover_32)
        add_training_page(section_32, title=f"E-Akte Schulung {n}", owner=mover_32)
    _count(client_32, "/wissen/suche/?q=Ablage", SEARCH_QUERIES)


@pytest.mark.parametrize("items", [1, 8])
def test_home_page_queries_do_not_grow(client_32, section_32, mover_32, items):
    links = []
    for n in range(items):
        add_news_page(section_32, title=f"Meldung {n}", pinned=n == 0)
        add_news_page(city_section(), title=f"Stadtweit {n}")
        training = add_training_page(section_32, title=f"Schulung {n}", owner=mover_32)
        links.append({"type": "link", "value": {"title": f"L{n}", "page": training.pk, "url": ""}})
    home = HomePage.objects.get()
    home.quick_links = links
    home.save_revision().publish()
    _count(client_32, "/", HOME_QUERIES)
