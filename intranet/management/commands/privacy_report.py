"""Print the transparency page as Markdown, for the staff council's files."""

from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from intranet import selectors


def privacy_report_markdown() -> str:
    register = selectors.register_overview()
    lines = [
        "# Welche Daten speichert das Portal?",
        "",
        f"Stand: {timezone.localdate():%d.%m.%Y}. Erzeugt aus dem Datenschutz-Verzeichnis "
        f"des Mitarbeiterportals: {selectors.register_field_count()} Felder in "
        f"{len(register)} Kategorien.",
        "",
        "## Mitbestimmte Funktionen",
        "",
        "| Funktion | Beschreibung | Stand |",
        "| --- | --- | --- |",
    ]
    for feature in selectors.feature_states():
        state = "eingeschaltet" if feature.enabled else "ausgeschaltet"
        lines.append(f"| {feature.label} | {feature.description} | {state} |")
    lines += ["", "## Datenkategorien", ""]
    for category, rows in register.items():
        lines += [f"### {category}", ""]
        for row in rows:
            lines += [
                f"#### {row.model_name} (`{row.model_label}`)",
                "",
                f"- Gespeicherte Angaben: {', '.join(row.field_names)}",
                f"- Zweck: {row.purpose}",
                f"- Sichtbar für: {', '.join(row.visible_to)}",
                f"- Rechtsgrundlage: {row.legal_basis}",
                f"- Aufbewahrung: {row.retention} (danach {row.at_end})",
            ]
            if row.on_leaving:
                lines.append(f"- Beim Ausscheiden: {row.on_leaving}")
            lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Gibt das Datenschutz-Verzeichnis und die mitbestimmten Funktionen als Markdown aus."

    def handle(self, *args, **options):
        with translation.override("de"):
            self.stdout.write(privacy_report_markdown())
