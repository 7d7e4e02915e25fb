from django.core.management.base import BaseCommand

from intranet.sso.lifecycle import accounts_check, report_text


class Command(BaseCommand):
    help = (
        "Täglich: fragt den Identitätsanbieter bzw. das Verzeichnis, welche Stadt-Konten "
        "gesperrt oder entfernt sind, beendet deren Sitzungen und meldet sie der "
        "Personalverwaltung (PORTAL_ACCOUNTS_REPORT_EMAIL). Löscht keine Verzeichnisdaten."
    )

    def handle(self, *args, **options):
        closed = accounts_check()
        if closed:
            self.stdout.write(report_text(closed))
        self.stdout.write(f"{len(closed)} Stadt-Konten gesperrt oder entfernt.")
