"""Search over the pages a person may see: German stemming on PostgreSQL, paging, highlights."""

import pytest
from django.db import connection

from tests.wiki.conftest import add_knowledge_page, add_training_page
from wiki.selectors import SEARCH_PAGE_SIZE, highlight

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German stemming needs PostgreSQL's text search (SEARCH_CONFIG german)",
)


@postgres_only
def test_german_stemming_finds_inflected_forms(client_32, section_32, mover_32):
    add_knowledge_page(
        section_32,
        title="Besprechungen am Bildschirm",
        summary="So führen Sie Videokonferenzen mit Kolleginnen und Kollegen.",
        owner=mover_32,
    )
    html = client_32.get("/wissen/suche/?q=Videokonferenz").content.decode()
    assert "Besprechungen am Bildschirm" in html
    assert "<mark>Videokonferenzen</mark>" in html


def test_search_finds_words_in_the_body_and_highlights_them(client_32, section_32, mover_32):
    add_knowledge_page(
        section_32,
        title="Ablage",
        body=[{"type": "paragraph_block", "value": "<p>Die Scanstraße digitalisiert Post.</p>"}],
        owner=mover_32,
    )
    html = client_32.get("/wissen/suche/?q=Scanstraße").content.decode()
    assert "1 Treffer" in html
    assert "Die <mark>Scanstraße</mark> digitalisiert Post." in html


def test_results_are_paged(client_32, section_32, mover_32):
    for n in range(SEARCH_PAGE_SIZE + 3):
        add_training_page(section_32, title=f"Aktenplan Teil {n}", owner=mover_32)
    first = client_32.get("/wissen/suche/?q=Aktenplan").content.decode()
    assert f"{SEARCH_PAGE_SIZE + 3} Treffer" in first
    assert first.count('class="wiki-results__item"') == SEARCH_PAGE_SIZE
    assert "Seite 1 von 2" in first
    second = client_32.get("/wissen/suche/?q=Aktenplan&seite=2").content.decode()
    assert second.count('class="wiki-results__item"') == 3


def test_highlight_escapes_the_text():
    html = highlight("<script>alert('E-Akte')</script> E-Akte", "Akte")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Akte</mark>" in html


def test_empty_query_shows_the_form_only(client_32, section_32):
    html = client_32.get("/wissen/suche/").content.decode()
    assert 'name="q"' in html
    assert "Treffer" not in html
