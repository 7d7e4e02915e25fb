"""The site shell's Wagtail pages: the home page (Startseite) is the root of the site."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(
        _("Begrüßung"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")
