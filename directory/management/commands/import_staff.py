"""Import the HR export: `import_staff FILE [--dry-run] [--deactivate-missing]`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from directory import hr_import, services


class Command(BaseCommand):
    help = "Importiert den CSV-Export der Personalverwaltung (alles oder nichts)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV-Datei (UTF-8 oder Windows-1252, ; oder ,)")
        parser.add_argument(
            "--dry-run", action="store_true", help="nur prüfen und berichten, nichts ändern"
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Personen, die in der (vollständigen) Datei fehlen, deaktivieren",
        )
        parser.add_argument(
            "--encoding",
            choices=sorted(hr_import.ENCODINGS),
            help="Kodierung der Datei (ohne Angabe: UTF-8, sonst Windows-1252)",
        )
        parser.add_argument(
            "--actor", default="", help="Benutzername, unter dem der Import protokolliert wird"
        )

    def handle(self, *args, file, dry_run, deactivate_missing, encoding, actor, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Die Datei {path} gibt es nicht.")
        # Without --actor the import runs as the system (the operator at the shell) and its
        # audit entry has no user; a named user must be allowed to import (central HR).
        actor_user = services.SYSTEM
        if actor:
            actor_user = get_user_model().objects.filter(username=actor).first()
            if actor_user is None:
                raise CommandError(f"Den Benutzer „{actor}“ gibt es nicht.")
        try:
            plan = hr_import.staff_import_run(
                path.read_bytes(),
                actor=actor_user,
                dry_run=dry_run,
                deactivate_missing=deactivate_missing,
                encoding=encoding,
            )
        except PermissionDenied as denied:
            raise CommandError(f"„{actor}“: {denied}") from denied
        for line in plan.summary_lines(dry_run=dry_run):
            self.stdout.write(line)
        if plan.errors:
            raise CommandError("Import abgebrochen: die Datei enthält Fehler.")
