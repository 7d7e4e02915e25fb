from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def amt_groups_ensured_section_ensure(sender, *, amt, **kwargs):
    """The Amt's office groups changed (inside the directory's transaction): its section in
    "Wissen" follows, with the page permissions of its Digital Movers and Redaktion."""
    from wiki import services

    services.amt_section_ensure(amt=amt)


def amt_merging_section_merge(sender, *, source, target, **kwargs):
    """Two Ämter become one (inside the directory's transaction): the source's pages move
    into the target's section before the source's groups go."""
    from wiki import services

    services.amt_section_merge(source=source, target=target)


class WikiConfig(AppConfig):
    name = "wiki"
    verbose_name = _("Wissen und Schulungsmaterial")

    def ready(self):
        from wagtail.models import AbstractPage
        from wagtail.permissions import register_permission_policy

        from directory.signals import amt_groups_ensured, amt_merging
        from wiki.permissions import PortalPagePermissionPolicy

        # The wiki builds on the directory, never the other way round (docs/architecture.md).
        amt_groups_ensured.connect(
            amt_groups_ensured_section_ensure, dispatch_uid="wiki.amt_groups_ensured_section"
        )
        amt_merging.connect(amt_merging_section_merge, dispatch_uid="wiki.amt_merging_section")

        # Every admin question about pages (explorer, choosers, bulk actions, the
        # dashboard) leaves out the pages hidden from the user (wiki/permissions.py).
        register_permission_policy(AbstractPage, PortalPagePermissionPolicy())
