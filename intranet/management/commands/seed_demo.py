"""Seed realistic German demo data (PORTAL.md section 7); safe to run again and again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from chat.demo import seed_chat
from directory.demo import DEMO_LOGIN_ROLES, DEMO_PASSWORD, DirectoryDemo
from directory.models import OrgUnit, Person
from wiki.demo import seed_wiki_demo

__all__ = ["DEMO_LOGIN_ROLES", "DEMO_PASSWORD", "Command"]


class Command(BaseCommand):
    help = "Legt die Demodaten an oder aktualisiert sie (wiederholbar)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300, help="Anzahl der Personen")

    @transaction.atomic
    def handle(self, *args, people: int, **options):
        DirectoryDemo(people=people).seed()
        seed_wiki_demo()
        seed_chat()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodaten bereit: {OrgUnit.objects.count()} Organisationseinheiten, "
                f"{Person.objects.count()} Personen."
            )
        )
        self.stdout.write(f"Demo-Anmeldungen (Passwort für alle: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGIN_ROLES.items():
            self.stdout.write(f"  {username:<6} {role}")
