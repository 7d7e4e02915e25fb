"""P7: delete chat messages past their room's retention period, completely."""

from django.core.management.base import BaseCommand

from chat.services import messages_purge


class Command(BaseCommand):
    help = "Löscht Chatnachrichten, deren Aufbewahrungsfrist abgelaufen ist, vollständig."

    def handle(self, *args, **options):
        deleted = messages_purge()
        self.stdout.write(f"{deleted} abgelaufene Chatnachrichten gelöscht.")
