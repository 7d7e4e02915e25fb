"""S6 and S4 for the wiki: documents are size-limited, type-checked, downloaded as
attachments with nosniff; blocks demand alt text and table headers; rich text is filtered."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form

from intranet.blocks import AccessibleImageBlock, TableBlock, VideoBlock
from wiki.models import KnowledgePage

pytestmark = pytest.mark.django_db


def _form(name, content):
    Document = get_document_model()
    form_class = get_document_form(Document)
    return form_class(
        data={"title": "Datei", "collection": "1"},
        files={"file": SimpleUploadedFile(name, content)},
        instance=Document(),
        user=None,
    )


def test_documents_outside_the_allowlist_are_refused():
    form = _form("skript.html", b"<script>alert(1)</script>")
    assert not form.is_valid()
    assert "file" in form.errors


def test_documents_over_the_size_limit_are_refused(settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 10
    form = _form("plan.pdf", b"%PDF-1.4 mehr als zehn Bytes")
    assert not form.is_valid()
    assert "zu groß" in str(form.errors["file"])


def test_allowed_documents_pass():
    assert _form("plan.pdf", b"%PDF-1.4").is_valid()


def test_documents_are_served_as_attachments_with_nosniff(client_32):
    Document = get_document_model()
    document = Document(title="Plan")
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    response = client_32.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_documents_need_login(client):
    Document = get_document_model()
    document = Document(title="Plan")
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    assert client.get(document.url).status_code == 302


def test_image_block_requires_alt_text():
    with pytest.raises(ValidationError):
        AccessibleImageBlock().clean({"image": None, "alt_text": "", "caption": ""})


def test_table_block_requires_headers_and_caption():
    block = TableBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"caption": "", "headers": [], "rows": []}))


def test_video_block_accepts_only_video_files():
    Document = get_document_model()
    document = Document(title="Kein Video")
    document.file.save("notiz.txt", ContentFile(b"x"), save=False)
    document.save()
    block = VideoBlock()
    value = block.to_python(
        {"title": "Film", "video": document.pk, "captions": None, "transcript": ""}
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_rich_text_from_the_editor_cannot_carry_script(client, mover_32, section_32):
    """The editor stores Draftail content state; markup typed as text is escaped (S4)."""
    import json

    client.force_login(mover_32.user)
    contentstate = {
        "blocks": [
            {
                "key": "a",
                "type": "unstyled",
                "depth": 0,
                "text": "<script>alert(1)</script>",
                "inlineStyleRanges": [],
                "entityRanges": [],
                "data": {},
            }
        ],
        "entityMap": {},
    }
    data = {
        "title": "Test",
        "slug": "test",
        "summary": "",
        "body-count": "1",
        "body-0-type": "paragraph_block",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "abc",
        "body-0-value": json.dumps(contentstate),
        "tags": "",
        "content_owner": str(mover_32.pk),
        "review_date": "2027-11-24",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-submit": "1",
    }
    response = client.post(f"/admin/pages/add/wiki/knowledgepage/{section_32.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = KnowledgePage.objects.get(slug="test")
    stored = page.get_latest_revision_as_object().body.raw_data[0]["value"]
    assert "<script>" not in stored
    assert "&lt;script&gt;" in stored


def test_documents_are_stored_under_server_chosen_names():
    form = _form("../../Dienst Plan (final).PDF", b"%PDF-1.4")
    assert form.is_valid(), form.errors
    document = form.save()
    stored = document.file.name
    assert stored.startswith("documents/dienst-plan-final-")
    assert stored.endswith(".pdf")
    assert ".." not in stored
    first, second = _form("plan.pdf", b"%PDF-1.4"), _form("plan.pdf", b"%PDF-1.4")
    assert first.is_valid() and second.is_valid()
    assert first.save().file.name != second.save().file.name
