"""Template context shared by every page of the portal shell."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory import selectors as directory_selectors

NAVIGATION = [
    ("home", _("Startseite"), "/"),
    ("directory", _("Personen"), "directory:index"),
    ("wiki", _("Wissen"), "/wissen/"),  # the Wagtail page WikiIndexPage
    ("chat", _("Chat"), "chat:index"),
]


def portal(request):
    user = getattr(request, "user", None)
    items = []
    for key, label, target in NAVIGATION:
        url = target if target.startswith("/") else reverse(target)
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"key": key, "label": label, "url": url, "current": current})
    person = None
    if user is not None and user.is_authenticated:
        person = directory_selectors.person_for_user(user=user)
    return {"portal_navigation": items, "current_person": person}
