"""The site shell's Wagtail pages: the home page (Startseite) is the root of the site."""

from django.conf import settings
from django.db import connection, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from intranet.blocks import QuickLinkBlock


class HomePage(Page):
    intro = RichTextField(
        _("Begrüßung"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
    )

    quick_links = StreamField(
        [("link", QuickLinkBlock())], verbose_name=_("Schnellzugriffe"), blank=True
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("quick_links")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["wiki.WikiIndexPage"]
    max_count = 1

    def route(self, request, path_components):
        """Find the deepest page of the requested path in one query by its URL path, instead
        of Wagtail's two queries per tree level (pages in "Wissen" sit four levels deep).
        What is left of the path goes to that page's own routes, e.g. "suche/" or
        "rueckmeldung/". View restrictions are still checked when the page is served."""
        if len(path_components) < 2 or not self.live:
            return super().route(request, path_components)
        candidates = [
            self.url_path + "/".join(path_components[:length]) + "/"
            for length in range(len(path_components), 0, -1)
        ]
        found = (
            Page.objects.descendant_of(self)
            .filter(url_path__in=candidates)
            .order_by("-depth")
            .first()
        )
        if found is None:
            raise Http404
        return found.specific.route(request, path_components[found.depth - self.depth :])

    def get_context(self, request, *args, **kwargs):
        from chat import selectors as chat_selectors
        from wiki import selectors as wiki_selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            wiki_selectors.home_page_context(user=request.user, quick_links=self.quick_links)
        )
        # "Meine Räume": the person's rooms with their own unread counts (P3).
        context["my_rooms"] = chat_selectors.room_list_for_user(user=request.user)
        return context

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")


# The PostgreSQL trigger (migration 0004) lets a DELETE through only when the purge sets
# this transaction-local setting, and only for entries older than the retention period.
AUDIT_PURGE_SETTING = "portal.audit_purge"


class AuditEntryQuerySet(models.QuerySet):
    """No bulk update or delete through the application; only `purge_before`."""

    def update(self, **kwargs):
        raise PermissionError("Protokolleinträge können nicht geändert werden.")

    def delete(self):
        raise PermissionError("Protokolleinträge werden nur durch die Aufbewahrungsfrist gelöscht.")

    def purge_before(self, cutoff) -> int:
        """Delete entries created before `cutoff`: the retention purge, and nothing else."""
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'on', true)", [AUDIT_PURGE_SETTING])
            expired = self.filter(created_at__lt=cutoff)
            deleted, _by_model = models.QuerySet.delete(expired)
        return deleted


class AuditEntry(models.Model):
    """One administrative action (P9): who did what to which object, and when.

    Append-only: the application never updates or deletes an entry; only the retention
    purge removes entries past their period (enforced by a trigger on PostgreSQL). Reads
    are never recorded.
    """

    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: deleting an account must neither rewrite
    # (SET NULL is an UPDATE) nor delete its audit entries; the id stays as it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeführt von"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("Aktion"), max_length=100)
    target_type = models.CharField(_("Objektart"), max_length=100, blank=True)
    target_id = models.CharField(_("Objekt-ID"), max_length=100, blank=True)
    summary = models.CharField(_("Zusammenfassung"), max_length=300, blank=True)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.action} {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Protokolleinträge können nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Protokolleinträge werden nur durch die Aufbewahrungsfrist gelöscht.")


class FeatureSwitch(models.Model):
    """The city-wide on/off state of a feature subject to co-determination (features.py)."""

    key = models.CharField(_("Funktion"), max_length=50, unique=True)
    enabled = models.BooleanField(_("eingeschaltet"))

    class Meta:
        verbose_name = _("Funktionsschalter")
        verbose_name_plural = _("Funktionsschalter")

    def __str__(self) -> str:
        return f"{self.key}: {'an' if self.enabled else 'aus'}"
