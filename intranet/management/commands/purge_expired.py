"""Delete personal data past its retention period (P7). Safe to run daily, e.g. from cron."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from intranet.services import retention_purge


class Command(BaseCommand):
    help = "Löscht Daten, deren Aufbewahrungsfrist laut Datenschutz-Verzeichnis abgelaufen ist."

    def handle(self, *args, **options):
        counts = retention_purge(now=timezone.now())
        for label, removed in sorted(counts.items()):
            self.stdout.write(f"{label}: {removed}")
        self.stdout.write(self.style.SUCCESS(f"Gelöscht: {sum(counts.values())}"))
