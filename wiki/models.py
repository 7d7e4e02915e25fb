"""Knowledge and training pages (Wagtail): "Wissen" with one section per Amt and a
city-wide section; pages carry a content owner and a review date (Prüfdatum)."""

import datetime

from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from intranet.blocks import RICH_TEXT_FEATURES, BaseStreamBlock, DocumentBlock

REVIEW_INTERVAL_DAYS = 365


def review_date_default() -> datetime.date:
    """Twelve months from today: the Prüfdatum a new page starts with."""
    return timezone.localdate() + datetime.timedelta(days=REVIEW_INTERVAL_DAYS)


class WikiIndexPage(RoutablePageMixin, Page):
    """ "Wissen": the sections by Amt, browsing by topic (tags) and the search."""

    intro = RichTextField(_("Einleitung"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["intranet.HomePage"]
    subpage_types = ["wiki.AmtSectionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Wissen (Übersicht)")
        verbose_name_plural = _("Wissen (Übersicht)")

    @path("")
    def index_view(self, request):
        from wiki import selectors

        context = self.get_context(request)
        context.update(
            selectors.wiki_index_context(user=request.user, tag=request.GET.get("thema"))
        )
        return self.render(request, context_overrides=context)

    @path("suche/", name="search")
    def search_view(self, request):
        from wiki import selectors

        context = self.get_context(request)
        context.update(
            selectors.wiki_search(
                user=request.user,
                query=request.GET.get("q", ""),
                page_number=request.GET.get("seite", "1"),
            )
        )
        return self.render(request, context_overrides=context, template="wiki/search.html")


class AmtSectionPage(Page):
    """The section of one Amt in "Wissen" (or the city-wide one, without an Amt).

    Created and permissioned by `wiki.services.amt_section_ensure`, never by hand.
    """

    amt = models.OneToOneField(
        "directory.OrgUnit",
        verbose_name=_("Amt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wiki_section",
        help_text=_("Leer für den stadtweiten Bereich."),
    )
    intro = RichTextField(_("Einleitung"), blank=True, features=RICH_TEXT_FEATURES)
    # The Amt's private collection for the documents and images of its restricted pages
    # (only the Amt's Mitarbeitende download them); the city-wide section holds the open one.
    files_collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("Sammlung für Dateien"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="wiki_section",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wiki.WikiIndexPage"]
    subpage_types = ["wiki.KnowledgePage", "wiki.TrainingPage", "wiki.NewsPage"]

    class Meta:
        verbose_name = _("Bereich eines Amts")
        verbose_name_plural = _("Bereiche der Ämter")

    def get_context(self, request, *args, **kwargs):
        from wiki import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.section_context(section=self, user=request.user))
        return context


class ContentPageForm(WagtailAdminPageForm):
    """Every knowledge and training page names a content owner (the database allows none
    only so that offboarding can clear it; the page then asks for a new owner)."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("content_owner"):
            self.add_error("content_owner", _("Bitte eine verantwortliche Person angeben."))
        return cleaned


class ContentPage(RoutablePageMixin, Page):
    """What knowledge and training pages share: owner, review date, feedback, breadcrumbs."""

    content_owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("Verantwortliche Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Die Person, die den Inhalt fachlich verantwortet."),
    )
    review_date = models.DateField(
        _("Prüfdatum"),
        default=review_date_default,
        help_text=_("Bis zu diesem Tag muss der Inhalt geprüft werden (Standard: 12 Monate)."),
    )
    last_reviewed_on = models.DateField(_("zuletzt geprüft am"), default=timezone.localdate)
    summary = models.CharField(
        _("Kurzbeschreibung"),
        max_length=300,
        blank=True,
        help_text=_("Erscheint in Listen und Suchergebnissen."),
    )

    base_form_class = ContentPageForm
    ownership_panels = [
        MultiFieldPanel(
            [FieldPanel("content_owner"), FieldPanel("review_date")],
            heading=_("Verantwortung und Prüfung"),
        )
    ]
    parent_page_types = ["wiki.AmtSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        return self.review_date < timezone.localdate()

    def get_context(self, request, *args, **kwargs):
        from wiki import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.content_page_context(page=self, request=request))
        return context

    @path("")
    def page_view(self, request):
        return self.render(request)

    @path("rueckmeldung/", name="feedback")
    def feedback_view(self, request):
        from wiki import views

        if request.method != "POST":
            return redirect(self.url)
        return views.page_feedback(request, page=self)


class KnowledgePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "wiki.KnowledgePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class KnowledgePage(ContentPage):
    """A knowledge page (Wissensseite): how-tos, rules, contacts."""

    body = StreamField(BaseStreamBlock(), verbose_name=_("Inhalt"), blank=True)
    tags = ClusterTaggableManager(through=KnowledgePageTag, blank=True, verbose_name=_("Themen"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tags"),
        *ContentPage.ownership_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=1.5),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("Wissensseite")
        verbose_name_plural = _("Wissensseiten")


class TrainingPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "wiki.TrainingPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class TrainingPage(ContentPage):
    """Training material (Schulungsmaterial): who it is for, what you learn, the materials,
    and optionally when and where the course takes place."""

    audience = models.CharField(
        _("Zielgruppe"), max_length=200, help_text=_("z. B. „Alle Mitarbeitenden im Bürgerbüro“")
    )
    duration = models.CharField(_("Dauer"), max_length=100, help_text=_("z. B. „90 Minuten“"))
    learning_goals = RichTextField(_("Lernziele"), features=["bold", "italic", "ul", "ol"])
    materials = StreamField(
        [("document", DocumentBlock())],
        verbose_name=_("Materialien"),
        blank=True,
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("Inhalt"), blank=True)
    event_date = models.DateTimeField(_("Termin"), null=True, blank=True)
    location = models.CharField(_("Ort"), max_length=200, blank=True)
    tags = ClusterTaggableManager(through=TrainingPageTag, blank=True, verbose_name=_("Themen"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("duration"), FieldPanel("learning_goals")],
            heading=_("Schulung"),
        ),
        FieldPanel("materials"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("event_date"), FieldPanel("location")], heading=_("Termin (optional)")
        ),
        FieldPanel("tags"),
        *ContentPage.ownership_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=1.5),
        index.SearchField("audience"),
        index.SearchField("learning_goals"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("Schulungsmaterial")
        verbose_name_plural = _("Schulungsmaterial")


class NewsPage(Page):
    """A news item (Meldung) of one Amt, or city-wide when it sits in the city-wide section;
    pinned news come first on the home page."""

    date = models.DateField(_("Datum"), default=timezone.localdate)
    pinned = models.BooleanField(
        _("angeheftet"), default=False, help_text=_("Angeheftete Meldungen stehen oben.")
    )
    teaser = models.CharField(_("Anreißer"), max_length=300)
    body = StreamField(BaseStreamBlock(), verbose_name=_("Inhalt"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("pinned"),
        FieldPanel("teaser"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("teaser", boost=1.5),
        index.SearchField("body"),
    ]
    parent_page_types = ["wiki.AmtSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")

    def get_context(self, request, *args, **kwargs):
        from wiki import selectors

        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = selectors.breadcrumbs(page=self)
        return context


class PageFeedback(models.Model):
    """One answer to "War diese Seite hilfreich?". Deliberately without a user, session or
    time of day (P1): only the page, the answer, an optional comment and the day."""

    page = models.ForeignKey(
        Page, verbose_name=_("Seite"), on_delete=models.CASCADE, related_name="+"
    )
    helpful = models.BooleanField(_("hilfreich"))
    comment = models.TextField(_("Kommentar"), max_length=1000, blank=True)
    created_on = models.DateField(_("Tag"), default=timezone.localdate)

    class Meta:
        verbose_name = _("Rückmeldung zu einer Seite")
        verbose_name_plural = _("Rückmeldungen zu Seiten")
        indexes = [models.Index(fields=["page", "helpful"])]

    def __str__(self) -> str:
        return f"{self.page_id}: {'ja' if self.helpful else 'nein'}"
