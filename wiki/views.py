"""Views of the knowledge section that are not page renders: feedback, the review report
and "Als geprüft markieren" (in the Wagtail admin), the sitemap and the image files."""

import mimetypes
import posixpath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import BrowseView
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from wiki import permissions, selectors, services
from wiki.forms import FeedbackForm
from wiki.models import KnowledgePage, TrainingPage

FEEDBACK_MESSAGES = {
    "switched_off": gettext_lazy("Rückmeldungen sind derzeit ausgeschaltet."),
    "already_answered": gettext_lazy("Sie haben zu dieser Seite heute schon geantwortet."),
    "too_many": gettext_lazy(
        "Sie haben heute schon viele Rückmeldungen gegeben. Bitte morgen wieder."
    ),
}


def page_feedback(request, *, page):
    """POST from the feedback form under a knowledge or training page."""
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte „Ja“ oder „Nein“ wählen."))
        return redirect(page.url + "#rueckmeldung")
    if not request.session.session_key:
        request.session.save()
    try:
        services.page_feedback_submit(
            page=page,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
            session_key=request.session.session_key,
        )
    except services.FeedbackRejected as rejected:
        messages.warning(request, FEEDBACK_MESSAGES[str(rejected)])
    else:
        messages.success(request, _("Danke für Ihre Rückmeldung!"))
    return redirect(page.url + "#rueckmeldung")


class PortalSitemap(Sitemap):
    """Wagtail's sitemap lists only pages without any restriction; the portal's lists what
    this user may see, the same filter as search and listings."""

    def items(self):
        site = self.get_wagtail_site()
        return (
            permissions.visible_pages(
                site.root_page.get_descendants(inclusive=True), self.request.user
            )
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"wagtail": PortalSitemap(request)})


def review_report(request):
    """Admin report "Zu prüfende Seiten": pages past their Prüfdatum that the user looks after."""
    if not permissions.user_may_see_review_report(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "wiki/admin/review_report.html",
        {"pages": selectors.review_due_list(user=request.user)},
    )


@require_POST
def page_mark_reviewed(request, page_id: int):
    base = get_object_or_404(
        Page, pk=page_id, content_type__model__in=["knowledgepage", "trainingpage"]
    )
    page = base.specific
    if not isinstance(page, (KnowledgePage, TrainingPage)):
        raise PermissionDenied
    if not permissions.user_is_responsible_for(request.user, page):
        raise PermissionDenied
    review_date = services.page_mark_reviewed(page=page, user=request.user)
    messages.success(
        request,
        _("„%(title)s“ ist als geprüft markiert. Nächste Prüfung: %(date)s.")
        % {"title": page.title, "date": review_date.strftime("%d.%m.%Y")},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = page.url
    return redirect(target)


def image_file(request, path):
    """`/media/…`: an image's original or rendition, checked against its collection.

    Uploads are never served straight from MEDIA_ROOT (not even under DEBUG): documents go
    through Wagtail's document view (`/dokumente/`), directory photos through the
    directory's photo view, and this view serves only Wagtail images, refusing those of an
    Amt's private collection (403 "Kein Zugriff") to everyone outside the Amt.
    """
    name = posixpath.normpath(path)
    if name != path or name.startswith(("/", "..")):
        raise Http404
    image = selectors.image_for_stored_file(name)
    if image is None:
        raise Http404
    if not permissions.user_may_download_file(request.user, image.collection):
        raise PermissionDenied
    try:
        stored = default_storage.open(name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(stored, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{posixpath.basename(name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Private images must not sit in a shared cache; the browser may keep them a day.
    response["Cache-Control"] = "private, max-age=86400"
    return response


class PageChooserBrowseView(BrowseView):
    """Wagtail's page chooser, which browses the whole tree: the children it lists are
    filtered by the `construct_page_chooser_queryset` hook, but the page being browsed
    shows its own title, so a page hidden from the user is not browsed at all (404)."""

    def get(self, request, parent_page_id=None):
        if parent_page_id is not None:
            parent = get_object_or_404(Page, id=parent_page_id)
            if not permissions.user_may_view_page(request.user, parent):
                raise Http404
        return super().get(request, parent_page_id=parent_page_id)


page_chooser_browse = require_admin_access(PageChooserBrowseView.as_view())
