"""Create or repair every Amt's section in "Wissen" with its permissions and workflow.

New Ämter get their section automatically (directory.services.amt_groups_ensure); this
command is for Ämter that existed before the wiki was installed, and is safe to rerun.
"""

from django.core.management.base import BaseCommand

from directory.models import OrgUnit
from wiki.services import amt_section_ensure, city_section_ensure


class Command(BaseCommand):
    help = "Legt die Bereiche der Ämter in „Wissen“ mit Rechten und Freigabe an (wiederholbar)."

    def handle(self, *args, **options):
        city_section_ensure()
        count = 0
        for amt in OrgUnit.objects.filter(kind=OrgUnit.Kind.AMT).order_by("number"):
            if amt_section_ensure(amt=amt) is not None:
                count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} Bereiche in „Wissen“ geprüft."))
