"""Demo content for "Wissen" and the home page (seed_demo); safe to run again and again."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import BaseViewRestriction, Collection, PageViewRestriction

from directory.models import OfficeGroup, OrgUnit, Person
from intranet.models import HomePage
from wiki import services
from wiki.models import AmtSectionPage, KnowledgePage, NewsPage, TrainingPage

TODAY = datetime.date(2026, 11, 24)  # fixed, so the demo looks the same on every run


def _p(text: str) -> dict:
    return {"type": "paragraph_block", "value": f"<p>{text}</p>"}


def _h(text: str, size: str = "h2") -> dict:
    return {"type": "heading_block", "value": {"heading_text": text, "size": size}}


def _callout(kind: str, title: str, text: str) -> dict:
    return {
        "type": "callout_block",
        "value": {"kind": kind, "title": title, "text": f"<p>{text}</p>"},
    }


def _steps(title: str, steps: list[str]) -> dict:
    return {
        "type": "steps_block",
        "value": {"title": title, "steps": [f"<p>{step}</p>" for step in steps]},
    }


def _table(caption: str, headers: list[str], rows: list[list[str]]) -> dict:
    return {
        "type": "table_block",
        "value": {"caption": caption, "headers": headers, "rows": [{"cells": r} for r in rows]},
    }


def _document(title: str, filename: str, text: str, *, collection: Collection) -> Document:
    """Create the document once, in its collection; a later run moves it there if an
    earlier seed (before the per-Amt collections) left it elsewhere."""
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        if existing.collection_id != collection.pk:
            existing.collection = collection
            existing.save(update_fields=["collection"])
        return existing
    content = text.encode()
    document = Document(title=title, file_size=len(content), collection=collection)
    document.file.save(filename, ContentFile(content), save=False)
    document.save()
    return document


def _owner(username: str) -> Person | None:
    return Person.objects.filter(user__username=username).first()


def _page(section, model, *, slug: str, stale_since: datetime.date | None = None, **fields):
    """Create the page once; later runs leave it (and any editor's changes) alone."""
    existing = model.objects.child_of(section).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    section.add_child(instance=page)
    page.save_revision().publish()
    if stale_since is not None:
        model.objects.filter(pk=page.pk).update(
            last_reviewed_on=stale_since, review_date=stale_since + datetime.timedelta(days=365)
        )
    return page


def _restrict_to_amt(page, amt: OrgUnit) -> None:
    if PageViewRestriction.objects.filter(page=page).exists():
        return
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([OfficeGroup.objects.get(amt=amt, kind=OfficeGroup.Kind.MEMBERS).group])


def seed_wiki_demo() -> None:
    for amt in OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT):
        services.amt_section_ensure(amt=amt)
    city = AmtSectionPage.objects.get(amt__isnull=True)
    sections = {
        s.amt.number: s
        for s in AmtSectionPage.objects.filter(amt__isnull=False).select_related("amt")
    }
    dm32, dm50, admin = _owner("dm32"), _owner("dm50"), _owner("admin")

    open_files = services.open_collection_ensure()
    manual = _document(
        "E-Akte Kurzanleitung",
        "e-akte-kurzanleitung.txt",
        "E-Akte Kurzanleitung\n\n1. Anmelden\n2. Vorgang anlegen\n3. Dokument ablegen\n",
        collection=open_files,
    )
    checklist = _document(
        "Checkliste Videokonferenz",
        "checkliste-videokonferenz.txt",
        "Kamera, Mikrofon, Headset, ruhiger Raum, Einladung mit Link.\n",
        collection=open_files,
    )

    _page(
        city,
        TrainingPage,
        slug="e-akte-grundlagen",
        title="E-Akte: Grundlagenschulung",
        summary="Einführung in die elektronische Akte für alle Mitarbeitenden.",
        audience="Alle Mitarbeitenden, die mit Akten arbeiten",
        duration="3 Stunden",
        learning_goals=(
            "<ul><li>Vorgänge und Dokumente in der E-Akte anlegen</li>"
            "<li>Akten richtig verschlagworten und wiederfinden</li>"
            "<li>Aufbewahrungsfristen kennen</li></ul>"
        ),
        materials=[{"type": "document", "value": {"document": manual.pk, "title": ""}}],
        body=[
            _h("Ablauf"),
            _p("Die Schulung findet im Schulungsraum statt; eigene Geräte sind nicht nötig."),
            _callout("hinweis", "Anmeldung", "Bitte über die Fortbildungsstelle anmelden."),
        ],
        event_date=timezone.make_aware(datetime.datetime(2027, 1, 19, 9, 0)),
        location="Rathaus, Schulungsraum 2.014",
        content_owner=admin,
    ).tags.add("E-Akte", "Digitalisierung")

    _page(
        city,
        KnowledgePage,
        slug="videokonferenzen",
        title="Videokonferenzen: so gelingt der Start",
        summary="Schritt für Schritt zur ersten Videokonferenz mit dem städtischen System.",
        body=[
            _p("Videokonferenzen sparen Wege zwischen den Dienststellen."),
            _steps(
                "Eine Videokonferenz starten",
                [
                    "Termin im Kalender öffnen und auf „Teilnehmen“ klicken.",
                    "Kamera und Mikrofon im Test prüfen.",
                    "Bei Problemen den Service Desk unter 0711 216-12345 anrufen.",
                ],
            ),
            _callout("achtung", "Datenschutz", "Keine Bürgerdaten im Chat der Konferenz teilen."),
            _table(
                "Empfohlene Ausstattung",
                ["Gerät", "Hinweis"],
                [["Headset", "beim Service Desk ausleihen"], ["Webcam", "im Laptop eingebaut"]],
            ),
            {"type": "document_block", "value": {"document": checklist.pk, "title": ""}},
        ],
        content_owner=admin,
    ).tags.add("Videokonferenz", "Digitalisierung")

    if "32" in sections:
        section = sections["32"]
        # Used only on the restricted page, so it sits in Amt 32's private collection:
        # outside Amt 32 its download answers 403 like the page (docs/wiki.md).
        instruction = _document(
            "Dienstanweisung Vollstreckungsinnendienst (Anlage)",
            "dienstanweisung-vollstreckung-anlage.txt",
            "Anlage zur Dienstanweisung: Zuständigkeiten und Vertretungen im Innendienst.\n",
            collection=section.files_collection,
        )
        _page(
            section,
            KnowledgePage,
            slug="bussgeldverfahren-e-akte",
            title="Bußgeldverfahren in der E-Akte",
            summary="Wie die Bußgeldstelle Vorgänge elektronisch führt.",
            body=[
                _h("Vorgang anlegen"),
                _p("Jeder Bußgeldbescheid bekommt einen eigenen Vorgang."),
            ],
            content_owner=dm32,
            stale_since=TODAY - datetime.timedelta(days=500),
        ).tags.add("E-Akte", "Bußgeld")
        secret = _page(
            section,
            KnowledgePage,
            slug="dienstanweisung-vollstreckung",
            title="Dienstanweisung Vollstreckungsinnendienst",
            summary="Nur für das Amt für öffentliche Ordnung.",
            body=[
                _p("Interne Abläufe und Zuständigkeiten im Vollstreckungsinnendienst."),
                {"type": "document_block", "value": {"document": instruction.pk, "title": ""}},
            ],
            content_owner=dm32,
        )
        _restrict_to_amt(secret, section.amt)
        _page(
            section,
            NewsPage,
            slug="buergerbuero-oeffnungszeiten",
            title="Bürgerbüro Mitte: neue Öffnungszeiten",
            teaser="Ab Januar ist das Bürgerbüro Mitte donnerstags bis 18 Uhr geöffnet.",
            date=TODAY - datetime.timedelta(days=3),
        )

    if "50" in sections:
        section = sections["50"]
        _page(
            section,
            TrainingPage,
            slug="wohngeld-software",
            title="Wohngeld-Software für neue Mitarbeitende",
            summary="Erste Schritte im Fachverfahren Wohngeld.",
            audience="Neue Mitarbeitende der Abteilung Wohngeld",
            duration="2 × 90 Minuten",
            learning_goals="<ul><li>Anträge erfassen</li><li>Bescheide erstellen</li></ul>",
            content_owner=dm50,
        ).tags.add("Wohngeld", "Fachverfahren")
        _page(
            section,
            KnowledgePage,
            slug="datenschutz-sozialamt",
            title="Datenschutz im Sozialamt",
            summary="Was bei Sozialdaten besonders gilt.",
            body=[_callout("achtung", "Sozialgeheimnis", "Sozialdaten nur an Berechtigte geben.")],
            content_owner=dm50,
            stale_since=TODAY - datetime.timedelta(days=420),
        ).tags.add("Datenschutz")
        _page(
            section,
            NewsPage,
            slug="wohngeld-reform",
            title="Wohngeld: neue Bemessungsgrenzen",
            teaser="Zum 1. Januar gelten neue Höchstbeträge; die Software ist angepasst.",
            date=TODAY - datetime.timedelta(days=10),
        )

    if "12" in sections:
        _page(
            sections["12"],
            KnowledgePage,
            slug="passwort-zuruecksetzen",
            title="Passwort zurücksetzen",
            summary="Selbst ein neues Passwort setzen, ohne den Service Desk.",
            body=[
                _steps(
                    "Neues Passwort", ["Selbstbedienungsportal öffnen.", "Code per SMS eingeben."]
                )
            ],
            content_owner=admin,
        ).tags.add("IT")

    _page(
        city,
        NewsPage,
        slug="e-akte-einfuehrung",
        title="Die E-Akte kommt in alle Ämter",
        teaser="Bis Ende 2027 arbeiten alle Ämter mit der E-Akte. Schulungen beginnen im Januar.",
        date=TODAY - datetime.timedelta(days=1),
        pinned=True,
    )

    home = HomePage.objects.first()
    if home is not None and not home.quick_links:
        e_akte = TrainingPage.objects.filter(slug="e-akte-grundlagen").first()
        home.quick_links = [
            {
                "type": "link",
                "value": {"title": "Personen finden", "page": None, "url": "/personen/"},
            },
            {"type": "link", "value": {"title": "Wissen", "page": None, "url": "/wissen/"}},
            {
                "type": "link",
                "value": {
                    "title": "E-Akte-Schulung",
                    "page": e_akte.pk if e_akte else None,
                    "url": "" if e_akte else "/wissen/",
                },
            },
            {
                "type": "link",
                "value": {
                    "title": "Erklärung zur Barrierefreiheit",
                    "page": None,
                    "url": "/barrierefreiheit/",
                },
            },
        ]
        home.save_revision().publish()
