"""IT operations lifts a login lock-out before it ends by itself (S5, audited)."""

from django.core.management.base import BaseCommand

from intranet import login_throttle


class Command(BaseCommand):
    help = "Hebt die Anmeldesperre einer Kennung auf (nach zu vielen Fehlversuchen)."

    def add_arguments(self, parser):
        parser.add_argument("login_name", help="die Kennung, wie sie angemeldet wird")

    def handle(self, *args, login_name, **options):
        if login_throttle.unlock_by_operations(login_name):
            self.stdout.write(self.style.SUCCESS("Die Sperre ist aufgehoben."))
        else:
            self.stdout.write("Für diese Kennung bestand keine Sperre.")
