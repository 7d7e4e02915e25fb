"""StreamField blocks shared by the portal's pages (knowledge, training, news, home page).

Each block has an icon, a template in `templates/blocks/` and, where it needs no database
object, a preview value. Rich text is limited to a small feature set: Wagtail's editor
stores only whitelisted HTML, so no script, style or embed reaches a page (S4).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
VIDEO_EXTENSIONS = {"mp4", "webm"}
CAPTION_EXTENSIONS = {"vtt"}
# The one rendition the image block uses; prefetched with the images (see below).
IMAGE_RENDITION = "max-960x720"


class PrefetchingImageChooserBlock(ImageChooserBlock):
    """Loads all images of a StreamField with their renditions in two queries, so a page
    with ten images costs no more queries than a page with one."""

    def bulk_to_python(self, values):
        objects = self.model_class.objects.prefetch_renditions(IMAGE_RENDITION).in_bulk(values)
        return [objects.get(value) for value in values]


class HeadingBlock(blocks.StructBlock):
    heading_text = blocks.CharBlock(label=_("Überschrift"), max_length=200)
    size = blocks.ChoiceBlock(
        label=_("Ebene"),
        choices=[("h2", _("Abschnitt (H2)")), ("h3", _("Unterabschnitt (H3)"))],
        default="h2",
        help_text=_("Überschriften in Reihenfolge verwenden: erst H2, darunter H3."),
    )

    class Meta:
        icon = "title"
        label = _("Überschrift")
        template = "blocks/heading_block.html"
        preview_value = {"heading_text": "E-Akte: die ersten Schritte", "size": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "blocks/paragraph_block.html"
        preview_value = "<p>Die E-Akte ersetzt die Papierakte in allen Ämtern.</p>"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Art"),
        choices=[("hinweis", _("Hinweis")), ("achtung", _("Achtung"))],
        default="hinweis",
    )
    title = blocks.CharBlock(label=_("Titel"), required=False, max_length=120)
    text = ParagraphBlock(label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Hinweiskasten")
        template = "blocks/callout_block.html"
        preview_value = {
            "kind": "achtung",
            "title": "Datenschutz",
            "text": "<p>Keine Bürgerdaten in Chatnachrichten.</p>",
        }


class AccessibleImageBlock(blocks.StructBlock):
    image = PrefetchingImageChooserBlock(label=_("Bild"))
    alt_text = blocks.CharBlock(
        label=_("Alternativtext"),
        max_length=250,
        help_text=_("Beschreibt das Bild für Menschen, die es nicht sehen (Pflicht)."),
    )
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "blocks/image_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Dokument"))
    title = blocks.CharBlock(
        label=_("Anzeigename"),
        required=False,
        max_length=200,
        help_text=_("Leer lassen, um den Titel des Dokuments zu verwenden."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Dokument")
        template = "blocks/document_block.html"


class TableRowBlock(blocks.StructBlock):
    cells = blocks.ListBlock(blocks.CharBlock(label=_("Zelle"), required=False), label=_("Zellen"))

    class Meta:
        icon = "list-ul"
        label = _("Zeile")


class TableBlock(blocks.StructBlock):
    """A data table that always has a caption and column headers (WCAG 1.3.1)."""

    caption = blocks.CharBlock(label=_("Tabellenüberschrift"), max_length=200)
    headers = blocks.ListBlock(
        blocks.CharBlock(label=_("Spaltenkopf")), label=_("Spaltenköpfe"), min_num=1
    )
    rows = blocks.ListBlock(TableRowBlock(), label=_("Zeilen"))

    class Meta:
        icon = "table"
        label = _("Tabelle")
        template = "blocks/table_block.html"
        preview_value = {
            "caption": "Ansprechpersonen E-Akte",
            "headers": ["Amt", "Telefon"],
            "rows": [{"cells": ["32", "0711 216-1234"]}, {"cells": ["50", "0711 216-5678"]}],
        }

    def clean(self, value):
        value = super().clean(value)
        width = len(value["headers"])
        for row in value["rows"]:
            if len(row["cells"]) > width:
                raise StructBlockValidationError(
                    block_errors={
                        "rows": ValidationError(
                            _("Eine Zeile hat mehr Zellen als die Tabelle Spaltenköpfe.")
                        )
                    }
                )
        return value


def _extension(document) -> str:
    return document.file_extension.lower() if document is not None else ""


class VideoBlock(blocks.StructBlock):
    """A video uploaded to the portal itself (P10: no video platforms)."""

    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    video = DocumentChooserBlock(label=_("Videodatei (MP4 oder WebM)"))
    captions = DocumentChooserBlock(
        label=_("Untertitel (WebVTT)"),
        required=False,
        help_text=_("Untertitel machen das Video für gehörlose Mitarbeitende nutzbar."),
    )
    transcript = ParagraphBlock(label=_("Textfassung"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if _extension(value["video"]) not in VIDEO_EXTENSIONS:
            errors["video"] = ValidationError(_("Bitte eine MP4- oder WebM-Datei wählen."))
        if value["captions"] is not None and _extension(value["captions"]) not in (
            CAPTION_EXTENSIONS
        ):
            errors["captions"] = ValidationError(_("Bitte eine WebVTT-Datei (.vtt) wählen."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    steps = blocks.ListBlock(ParagraphBlock(label=_("Schritt")), label=_("Schritte"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Schritt-für-Schritt-Anleitung")
        template = "blocks/steps_block.html"
        preview_value = {
            "title": "Videokonferenz starten",
            "steps": ["<p>Kalender öffnen.</p>", "<p>Auf „Teilnehmen“ klicken.</p>"],
        }


class BaseStreamBlock(blocks.StreamBlock):
    heading_block = HeadingBlock()
    paragraph_block = ParagraphBlock()
    callout_block = CalloutBlock()
    image_block = AccessibleImageBlock()
    document_block = DocumentBlock()
    table_block = TableBlock()
    video_block = VideoBlock()
    steps_block = StepsBlock()


class QuickLinkBlock(blocks.StructBlock):
    """A link on the home page: to a portal page (hidden from those who may not see it)
    or to an internal address."""

    title = blocks.CharBlock(label=_("Bezeichnung"), max_length=100)
    page = blocks.PageChooserBlock(label=_("Seite im Portal"), required=False)
    url = blocks.CharBlock(
        label=_("oder Adresse"),
        required=False,
        max_length=300,
        help_text=_(
            "Eine Adresse im Intranet, z. B. /personen/ oder https://ticket.stadt.example/"
        ),
    )

    class Meta:
        icon = "link"
        label = _("Schnellzugriff")
        template = "blocks/quick_link_block.html"
        preview_value = {"title": "Personen finden", "url": "/personen/"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value["page"]) == bool(value["url"]):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Bitte entweder eine Seite oder eine Adresse angeben.")
                    )
                }
            )
        if value["url"] and not value["url"].startswith(("/", "https://")):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Nur Adressen mit / oder https:// sind erlaubt."))
                }
            )
        return value
