"""Fixtures for the knowledge section: sections of two Ämter, people in roles, pages."""

import datetime

import pytest
from wagtail.models import BaseViewRestriction, PageViewRestriction

from directory import services as directory_services
from directory.models import OfficeGroup, OfficeRole
from tests.support.factories import PersonFactory
from wiki.models import AmtSectionPage, KnowledgePage, NewsPage, TrainingPage

PARAGRAPH = {"type": "paragraph_block", "value": "<p>Die E-Akte ersetzt die Papierakte.</p>"}


def section_of(amt) -> AmtSectionPage:
    return AmtSectionPage.objects.get(amt=amt)


def city_section() -> AmtSectionPage:
    return AmtSectionPage.objects.get(amt__isnull=True)


def add_knowledge_page(parent, *, title="Wissensseite", body=None, owner=None, **fields):
    page = KnowledgePage(
        title=title,
        body=body if body is not None else [PARAGRAPH],
        content_owner=owner,
        **fields,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_training_page(parent, *, title="Schulung", owner=None, **fields):
    defaults = {
        "audience": "Alle Mitarbeitenden",
        "duration": "90 Minuten",
        "learning_goals": "<ul><li>Akten anlegen</li></ul>",
    }
    page = TrainingPage(title=title, content_owner=owner, **{**defaults, **fields})
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_news_page(parent, *, title="Meldung", pinned=False, date=None, **fields):
    page = NewsPage(
        title=title,
        teaser=fields.pop("teaser", f"{title}: Anreißer"),
        pinned=pinned,
        date=date or datetime.date(2026, 11, 1),
        **fields,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def restrict_to_amt(page, amt):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([OfficeGroup.objects.get(amt=amt, kind=OfficeGroup.Kind.MEMBERS).group])
    return restriction


def person_with_role(amt, role, **fields):
    person = PersonFactory(unit=amt, **fields)
    directory_services.office_role_grant(
        person=person, amt=amt, role=role, actor=directory_services.SYSTEM
    )
    person.user.refresh_from_db()
    return person


@pytest.fixture
def mover_32(amt_32):
    return person_with_role(
        amt_32, OfficeRole.Role.DIGITAL_MOVER, first_name="Özlem", last_name="Yılmaz"
    )


@pytest.fixture
def mover_50(amt_50):
    return person_with_role(amt_50, OfficeRole.Role.DIGITAL_MOVER, first_name="Jörg")


@pytest.fixture
def redaktion_32(amt_32):
    return person_with_role(amt_32, OfficeRole.Role.REDAKTION, first_name="Ute")


@pytest.fixture
def section_32(amt_32):
    return section_of(amt_32)


@pytest.fixture
def section_50(amt_50):
    return section_of(amt_50)


def site_tree_ensure():
    """Wagtail's root, the Startseite and the default site, which a transactional test's
    flush removes (the data migrations that created them don't run again)."""
    from wagtail.models import Collection, Locale, Page, Site

    from intranet.models import HomePage

    Locale.objects.get_or_create(language_code="de")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="Startseite", slug="startseite")
        root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home
