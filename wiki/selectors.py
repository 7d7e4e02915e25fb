"""Reads of the knowledge section. Every list goes through `permissions.visible_pages`, and
every function costs a fixed number of queries, however many blocks or children a page has."""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils.safestring import mark_safe
from taggit.models import Tag
from wagtail.models import Page

from directory import permissions as directory_permissions
from directory.models import Person
from intranet.features import feature_enabled
from wiki import permissions
from wiki.forms import FeedbackForm
from wiki.models import (
    AmtSectionPage,
    KnowledgePage,
    KnowledgePageTag,
    NewsPage,
    PageFeedback,
    TrainingPage,
    TrainingPageTag,
)

SEARCH_PAGE_SIZE = 10
SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 10
EXCERPT_LENGTH = 240
CONTENT_MODELS = (KnowledgePage, TrainingPage, NewsPage)
HOME_NEWS_COUNT = 6
HOME_TRAINING_COUNT = 3


def breadcrumbs(*, page: Page) -> list[Page]:
    """The page's ancestors from the home page down (one query)."""
    return list(page.get_ancestors().filter(depth__gte=2).only("id", "title", "url_path", "path"))


def _visible(model, user):
    return permissions.visible_pages(model.objects.all(), user)


def section_list(*, user) -> list[AmtSectionPage]:
    """Sections the user may see: the city-wide one first, then the Ämter by number."""
    return list(
        _visible(AmtSectionPage, user)
        .select_related("amt")
        .order_by("amt__number", "title")
        .only("id", "title", "url_path", "path", "depth", "amt__number", "amt__name")
    )


def _cards(model, queryset):
    fields = ["id", "title", "url_path", "path", "depth", "first_published_at"]
    if model is NewsPage:
        fields += ["teaser", "date", "pinned"]
    else:
        fields += ["summary", "review_date"]
    return queryset.only(*fields)


def section_context(*, section: AmtSectionPage, user) -> dict:
    """The section's pages by type (three queries, whatever the number of children)."""
    children = {}
    for key, model, order in [
        ("news", NewsPage, ("-pinned", "-date")),
        ("knowledge_pages", KnowledgePage, ("title",)),
        ("training_pages", TrainingPage, ("title",)),
    ]:
        queryset = _visible(model, user).child_of(section).order_by(*order)
        children[key] = list(_cards(model, queryset))
    return {"breadcrumbs": breadcrumbs(page=section), **children}


def tag_list(*, user) -> list[dict]:
    """Topics used by the knowledge and training pages the user may see, with how many
    pages use them (a topic only restricted pages use is not shown either)."""
    counts: dict[str, dict] = {}
    for through in (KnowledgePageTag, TrainingPageTag):
        rows = (
            through.objects.filter(content_object__live=True)
            .exclude(permissions.hidden_q(user, prefix="content_object__"))
            .values("tag__name", "tag__slug")
            .annotate(pages=Count("id"))
        )
        for row in rows:
            entry = counts.setdefault(
                row["tag__slug"], {"name": row["tag__name"], "slug": row["tag__slug"], "pages": 0}
            )
            entry["pages"] += row["pages"]
    return sorted(counts.values(), key=lambda entry: entry["name"].lower())


def wiki_index_context(*, user, tag: str | None) -> dict:
    context: dict = {"sections": section_list(user=user), "tags": tag_list(user=user), "tag": None}
    if tag:
        context["tag"] = Tag.objects.filter(slug=tag).first()
        tagged = []
        if context["tag"] is not None:
            for model in (KnowledgePage, TrainingPage):
                queryset = _visible(model, user).filter(tags=context["tag"]).order_by("title")
                tagged += list(_cards(model, queryset))
        context["tagged_pages"] = sorted(tagged, key=lambda page: page.title.lower())
    return context


# --- Search -------------------------------------------------------------------------------


def _raw_text(raw_blocks) -> list[str]:
    """Plain text of a StreamField's raw data, without loading images or documents."""
    texts = []
    for block in raw_blocks or []:
        value = block.get("value")
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            texts += [item for item in value.values() if isinstance(item, str)]
            for item in value.values():
                if isinstance(item, list):
                    texts += [
                        entry.get("value") if isinstance(entry, dict) else entry
                        for entry in item
                        if isinstance(entry, str)
                        or isinstance(entry, dict)
                        and isinstance(entry.get("value"), str)
                    ]
    return texts


_TAG = re.compile(r"<[^>]+>")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", text))).strip()


def _stems(query: str) -> list[str]:
    """Word beginnings to highlight: German stemming shortens words, so "Videokonferenzen"
    also marks "Videokonferenz"."""
    words = [word for word in re.findall(r"\w+", query.lower()) if len(word) >= 3]
    return [word[: max(3, len(word) - 3)] if len(word) > 5 else word for word in words]


def highlight(text: str, query: str, *, length: int = EXCERPT_LENGTH) -> str:
    """An escaped excerpt of `text` around the first match, matches wrapped in <mark>."""
    stems = _stems(query)
    if not text:
        return ""
    pattern = (
        re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.I)
        if (stems)
        else None
    )
    start = 0
    if pattern is not None:
        first = pattern.search(text)
        if first is not None:
            start = max(0, first.start() - length // 3)
    excerpt = text[start : start + length]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + length < len(text) else ""
    escaped = html.escape(excerpt)
    if pattern is not None:
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return mark_safe(f"{prefix}{escaped}{suffix}")  # noqa: S308 - built from escaped text


@dataclass
class SearchHit:
    page: Page
    kind: str
    title_html: str
    excerpt_html: str


def _hit_text(page) -> str:
    parts = [getattr(page, "summary", "") or getattr(page, "teaser", "")]
    if isinstance(page, TrainingPage):
        parts += [page.audience, page.learning_goals]
    parts += _raw_text(page.body.raw_data)
    return _plain(" ".join(part for part in parts if part))


_SEARCH_WORD = re.compile(r"\w+(?:-\w+)*")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def search_terms(query: str) -> str:
    """The words of a free-text query as the search backend gets them: letters and digits,
    a hyphen inside a word ("E-Akte") kept, everything else dropped.

    The backends are not given raw input: SQLite's FTS5 reads a quote as syntax (`"E-Akte"`
    answered 500), and PostgreSQL refuses a NUL in any string. Searching for words only
    gives the same results on both, whatever the person typed.
    """
    words = _SEARCH_WORD.findall(unicodedata.normalize("NFKC", _UNPRINTABLE.sub(" ", query)))
    return " ".join(words[:SEARCH_MAX_TERMS])


def wiki_search(*, user, query: str, page_number: str) -> dict:
    """Full-text search over the pages the user may see, ten per page, with highlights.

    On PostgreSQL the index uses the German text search configuration (stemming).
    Restricted sections are excluded before the search, not after, so counts and pages
    never reveal them.
    """
    # Shown again in the search field: without controls, which HTML cannot carry either.
    query = _UNPRINTABLE.sub(" ", query).strip()[:SEARCH_QUERY_MAX_LENGTH]
    context: dict = {"query": query, "hits": [], "paginator_page": None}
    terms = search_terms(query)
    if not terms:
        return context
    candidates = permissions.visible_pages(Page.objects.all(), user).type(*CONTENT_MODELS)
    results = candidates.search(terms, operator="and")
    paginator = Paginator(results, SEARCH_PAGE_SIZE)
    paginator_page = paginator.get_page(page_number)
    ids = [page.pk for page in paginator_page.object_list]
    specific = {}
    for model in CONTENT_MODELS:
        specific.update(model.objects.in_bulk(ids))
    hits = []
    for page_id in ids:
        page = specific.get(page_id)
        if page is None:
            continue
        hits.append(
            SearchHit(
                page=page,
                kind=str(page._meta.verbose_name),
                title_html=highlight(page.title, query, length=300),
                excerpt_html=highlight(_hit_text(page), query),
            )
        )
    context.update({"hits": hits, "paginator_page": paginator_page, "total": paginator.count})
    return context


# --- Content pages ------------------------------------------------------------------------


def feedback_summary(*, page: Page) -> dict:
    """Aggregate counts only (P1): how many said yes, how many no."""
    counts = PageFeedback.objects.filter(page=page).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    return counts


def feedback_comments(*, page: Page) -> list[PageFeedback]:
    return list(
        PageFeedback.objects.filter(page=page)
        .exclude(comment="")
        .only("helpful", "comment", "created_on")
        .order_by("-created_on", "-id")[:50]
    )


def content_page_context(*, page, request) -> dict:
    """Breadcrumbs, owner, topics, feedback: the same queries for every page."""
    user = request.user
    owner = (
        Person.objects.filter(pk=page.content_owner_id, is_active=True)
        .select_related("unit__parent__parent")
        .first()
        if page.content_owner_id
        else None
    )
    # The owner object is reused by the permission check below (no second query).
    page.content_owner = owner
    responsible = permissions.user_is_responsible_for(user, page)
    feedback_on = feature_enabled("page_feedback")
    return {
        "breadcrumbs": breadcrumbs(page=page),
        "owner": owner,
        "topics": list(page.tags.all()),
        "is_stale": page.is_stale,
        "is_responsible": responsible,
        "feedback_enabled": feedback_on,
        "feedback_form": FeedbackForm() if feedback_on else None,
        "feedback_summary": feedback_summary(page=page) if feedback_on else None,
        "feedback_comments": feedback_comments(page=page) if feedback_on and responsible else [],
    }


# --- Home page and the review report --------------------------------------------------------


def home_page_context(*, user, quick_links) -> dict:
    """News of the user's Ämter and city-wide (pinned first), the newest training material
    and the quick links, all without pages the user may not see."""
    amt_ids = list(directory_permissions.amter_of_user(user).values_list("pk", flat=True))
    section_paths = list(
        AmtSectionPage.objects.filter(Q(amt_id__in=amt_ids) | Q(amt__isnull=True)).values_list(
            "path", flat=True
        )
    )
    news = []
    if section_paths:
        in_sections = Q()
        for path in section_paths:
            in_sections |= Q(path__startswith=path)
        news = list(
            _cards(
                NewsPage,
                _visible(NewsPage, user).filter(in_sections).order_by("-pinned", "-date", "-id"),
            )[:HOME_NEWS_COUNT]
        )
    training = list(
        _cards(TrainingPage, _visible(TrainingPage, user).order_by("-first_published_at"))[
            :HOME_TRAINING_COUNT
        ]
    )
    links = [
        link
        for link in quick_links
        if link.value["page"] is None
        or (link.value["page"].live and permissions.user_may_view_page(user, link.value["page"]))
    ]
    return {"news": news, "new_training": training, "quick_links": links}


def review_due_list(*, user) -> list:
    """Knowledge and training pages past their Prüfdatum that this user looks after."""
    from django.utils import timezone

    today = timezone.localdate()
    pages = []
    for model in (KnowledgePage, TrainingPage):
        pages += list(
            model.objects.filter(review_date__lt=today)
            .filter(permissions.responsible_pages_q(user))
            .select_related("content_owner")
            .order_by("review_date")
        )
    return sorted(pages, key=lambda page: (page.review_date, page.title))


def image_for_stored_file(name: str):
    """The Wagtail image whose original or rendition is stored under this name (with its
    collection), or None: the only uploads `/media/` serves (one query)."""
    from wagtail.images import get_image_model

    Image = get_image_model()
    if name.startswith("original_images/"):
        return Image.objects.select_related("collection").filter(file=name).first()
    if name.startswith("images/"):
        rendition = (
            Image.get_rendition_model()
            .objects.select_related("image__collection")
            .filter(file=name)
            .first()
        )
        return rendition.image if rendition is not None else None
    return None
