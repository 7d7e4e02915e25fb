"""Pages of the chat."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def chat_index(request):
    return render(
        request,
        "intranet/under_construction.html",
        {
            "page_title": _("Chat"),
            "part_description": _(
                "Hier entstehen bald Chaträume für jedes Amt, ämterübergreifende Räume und "
                "Direktnachrichten – ohne Lesebestätigungen und mit Präsenzanzeige nur auf "
                "Wunsch."
            ),
        },
    )
