"""Create or repair the chat room of every Amt (new Ämter get theirs automatically)."""

from django.core.management.base import BaseCommand

from chat.services import amt_rooms_ensure_all


class Command(BaseCommand):
    help = "Legt für jedes Amt seinen Chatraum an und gleicht die Rechte mit den Amtsgruppen ab."

    def handle(self, *args, **options):
        count = amt_rooms_ensure_all()
        self.stdout.write(f"Chaträume für {count} Ämter abgeglichen.")
