"""Exports the portal writes, safe to open in a spreadsheet (CSV/formula injection, OWASP).

Values are stored as typed: an HR export may hold "+49 711 216-0" or "-Meier", and an
import must not change data. The danger lies only in opening a CSV file in Excel or
LibreOffice, which runs a cell beginning with "=", "+", "-" or "@" (or a tab or carriage
return before one) as a formula: `=HYPERLINK("https://…", "Details")`. So every CSV cell
that begins with one of these characters is written with a leading apostrophe, as OWASP
recommends; spreadsheets show the text and run nothing.

The portal writes CSV only through Wagtail's spreadsheet exports (the administrators'
reports such as "Seitenverlauf", which show people's names, and any `list_export` a
listing ever gets). `csv_neutralisation_install` wraps the one method all of them pass
through, `SpreadsheetExportMixin.write_csv_row`; Wagtail's XLSX export already writes such
cells as text. JSON ("Meine Daten", the profile's JSON) and vCard are not spreadsheet
formats and stay exact (see docs/hr-import.md, "Exports").
"""

from functools import wraps

# OWASP's list, plus the full-width forms that some spreadsheets also read as operators.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_cell(value):
    """The value as a CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _NeutralisingWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: dict):
        return self._writer.writerow({key: spreadsheet_cell(v) for key, v in row.items()})


def csv_neutralisation_install() -> None:
    """Called once from IntranetConfig.ready()."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.write_csv_row
    if getattr(original, "neutralises_formulas", False):
        return

    @wraps(original)
    def write_csv_row(self, writer, row_dict):
        return original(self, _NeutralisingWriter(writer), row_dict)

    write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
