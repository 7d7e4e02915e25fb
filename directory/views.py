"""Pages of the staff directory."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def directory_index(request):
    # The search, profiles and org chart come with the directory issue; until then the
    # page says so honestly instead of showing a fake result list.
    return render(
        request,
        "intranet/under_construction.html",
        {
            "page_title": _("Personen"),
            "part_description": _(
                "Hier finden Sie bald Kolleginnen und Kollegen, ihre Vertretungen und "
                "Zuständigkeiten, das Organigramm und Ihre freiwilligen Profilangaben."
            ),
        },
    )
