"""Report files and pages mark provisional figures: a `provisional` column (and `window_end`) in the CSV for
machines, a marked note and column in the XLSX and the PDF, a badge on the report's page; final figures carry
none of it."""
from __future__ import annotations

import csv
import datetime
import io
import subprocess

import openpyxl
import pytest

from reporting.services import compliance_compute
from reports import services
from reports.choices import ExportStatus
from reports.models import ReportExport
from reports.periods import ReportingPeriod
from tests.factories import PASSWORD, ConferenceFactory, DocumentFactory

from .conftest import YEAR, day

pytestmark = pytest.mark.django_db

# Computed before the year ended: the year (and Q4) to 1 December are provisional, Q3 is final.
AS_OF = datetime.date(YEAR, 12, 1)
BADGE_VI = f"tạm tính, đến 01/12/{YEAR}"
BADGE_EN = f"provisional, to 1 Dec {YEAR}"


@pytest.fixture
def computed_before_the_year_ended(tree):
    n = 0
    for unit, before, now in ((tree["00070"], 10, 7), (tree["00004"], 8, 8), (tree["01"], 5, 2)):
        for i in range(before):
            n += 1
            DocumentFactory(unit=unit, number=f"{n}/QĐ-UBND", issued_on=datetime.date(YEAR - 1, 1 + i % 9, 3))
        for i in range(now):
            n += 1
            DocumentFactory(unit=unit, number=f"{n}/QĐ-UBND", issued_on=day(1 + i % 9, 4))
        ConferenceFactory(unit=unit, held_on=day(3, 6), format="online")
    compliance_compute(year=YEAR, as_of=AS_OF)


def generate(django_capture_on_commit_callbacks, user, unit, period: str, fmt: str,
             language: str = "vi") -> ReportExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user, unit=unit, period=ReportingPeriod.parse(period), format=fmt,
                                         language=language)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    return export


def pdf_text(export, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(export.file.read())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_csv_has_a_provisional_column_for_machines(computed_before_the_year_ended, tree, reviewer,
                                                   django_capture_on_commit_callbacks):
    running = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}", "csv")
    rows = list(csv.DictReader(io.StringIO(running.file.read().decode("utf-8"))))
    assert rows and {(r["provisional"], r["window_end"]) for r in rows} == {("true", AS_OF.isoformat())}
    final = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}-Q3", "csv")
    rows = list(csv.DictReader(io.StringIO(final.file.read().decode("utf-8"))))
    assert rows and {(r["provisional"], r["window_end"]) for r in rows} == {("false", f"{YEAR}-09-30")}


def _cells(book) -> list[str]:
    return [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value]


def test_xlsx_marks_provisional_figures_with_a_note_and_a_column(computed_before_the_year_ended, tree, reviewer,
                                                                 django_capture_on_commit_callbacks):
    running = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(running.file.read()))
    summary = book.worksheets[0]
    note = next(row for row in summary.iter_rows() if row[0].value == "Tạm tính")
    assert note[1].value.startswith(BADGE_VI) and note[1].font.bold
    figures = next(row for row in summary.iter_rows() if row[0].value == "Số liệu")
    assert figures[1].value.startswith(f"Số liệu: từ ngày 01/01 đến 01/12/{YEAR}")  # not "the whole year"
    header = next(row for row in summary.iter_rows() if row[1].value == "Chỉ tiêu")
    column = [c.value for c in header].index("Tạm tính")
    doc = next(row for row in summary.iter_rows() if row[1].value == "Giảm văn bản")  # DOC_REDUCTION
    assert doc[column].value == BADGE_VI
    # Each unit's results in the group sheets are marked too.
    assert sum(BADGE_VI == value for value in _cells(book)) > 12
    final = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}-Q3", "xlsx")
    assert not any("tạm tính, đến" in value for value in _cells(openpyxl.load_workbook(io.BytesIO(final.file.read()))))


def test_xlsx_in_english_says_provisional_to_1_dec(computed_before_the_year_ended, tree, reviewer,
                                                   django_capture_on_commit_callbacks):
    export = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}", "xlsx", language="en")
    assert BADGE_EN in _cells(openpyxl.load_workbook(io.BytesIO(export.file.read())))


def test_pdf_carries_the_provisional_note_only_for_provisional_figures(
        computed_before_the_year_ended, tree, reviewer, django_capture_on_commit_callbacks, tmp_path):
    running = pdf_text(generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}", "pdf"), tmp_path)
    assert BADGE_VI in running and "cùng kỳ năm" in running
    assert f"cả năm {YEAR}" not in running  # the figures are not the whole year's
    english = pdf_text(generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}", "pdf",
                                language="en"), tmp_path)
    assert BADGE_EN in english
    final = pdf_text(generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}-Q3", "pdf"),
                     tmp_path)
    assert "tạm tính" not in final


def test_report_page_marks_a_snapshot_taken_while_provisional(computed_before_the_year_ended, tree, officer_hn,
                                                              reviewer, client):
    """Submitting recomputes (a closed period: final figures, no badge); a snapshot frozen while its figures
    were still provisional keeps its badge."""
    from reports.models import PeriodReport

    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Y")
    assert client.login(username=reviewer.username, password=PASSWORD)
    assert "badge--provisional" not in client.get(f"/reports/{report.pk}/").content.decode()
    results = report.results
    for row in results["summary"]:
        row.update(provisional=True, window_end=AS_OF.isoformat())
    PeriodReport.objects.filter(pk=report.pk).update(results=results)
    body = client.get(f"/reports/{report.pk}/").content.decode()
    assert "tạm tính, đến 01/12" in body and "badge--provisional" in body
