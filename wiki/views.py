"""Pages of the knowledge section."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def wiki_index(request):
    return render(
        request,
        "intranet/under_construction.html",
        {
            "page_title": _("Wissen"),
            "part_description": _(
                "Hier veröffentlichen die Digital Movers der Ämter bald Wissensseiten und "
                "Schulungsmaterial, mit Suche, Prüfdatum und Ansprechpersonen."
            ),
        },
    )
