"""Exports: the XLSX, PDF and CSV files carry the engine's stored figures; the API generates and serves them."""
from __future__ import annotations

import csv
import datetime
import io
import mimetypes
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import translation
from PIL import Image, ImageStat
from knox.models import AuthToken
from rest_framework.test import APIClient

from reform.models import Target
from reporting.charts import short_name
from reporting.models import ComplianceResult
from reporting.services import compliance_compute
from reports import services
from reports.choices import ExportStatus
from reports.exports import format_value
from reports.models import ReportExport
from reports.periods import ReportingPeriod
from tests.factories import PASSWORD, ConferenceFactory, DigitizationReportFactory, DocumentFactory

from .conftest import YEAR, day


def api(user) -> APIClient:
    _, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def figures(tree):
    """Two years of records in Hà Nội's communes (fewer documents and conferences this year), computed."""
    n = 0
    for unit, before, now in ((tree["00070"], 10, 7), (tree["00004"], 8, 8), (tree["01"], 5, 2)):
        for i in range(before):
            n += 1
            DocumentFactory(unit=unit, number=f"{n}/QĐ-UBND", issued_on=datetime.date(YEAR - 1, 1 + i % 9, 3))
        for i in range(now):
            n += 1
            DocumentFactory(unit=unit, number=f"{n}/QĐ-UBND", issued_on=day(1 + i % 9, 4),
                            is_digitized=i % 4 != 0, sent_electronically=True)
        for i in range(4):
            ConferenceFactory(unit=unit, held_on=datetime.date(YEAR - 1, 2 + i, 5))
        for i in range(3):
            ConferenceFactory(unit=unit, held_on=day(2 + i, 6), format="in_person" if i == 0 else "online")
        for quarter in (1, 2, 3):
            DigitizationReportFactory(unit=unit, year=YEAR, quarter=quarter, procedures_total=200, procedures_digital=188 + quarter * 3)
    compliance_compute(year=YEAR)
    assert ComplianceResult.objects.filter(year=YEAR, period="Q3", unit=tree["01"]).count() == 12


def generate(django_capture_on_commit_callbacks, user, unit, period: str, fmt: str) -> ReportExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user, unit=unit, period=ReportingPeriod.parse(period), format=fmt)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    return export


def summary_from_api(user, unit_code: str, period: str) -> dict[str, dict]:
    response = api(user).get("/api/v1/compliance/summary/", {"year": YEAR, "period": period, "unit": unit_code})
    assert response.status_code == 200
    return {row["code"]: row for row in response.json()["targets"]}


def _num(text):
    return None if text is None else float(Decimal(text))


def short_names(language: str = "vi") -> dict[str, str]:
    """{target code: the short name a reader sees in the files}."""
    with translation.override(language):
        return {target.code: short_name(target) for target in Target.objects.all()}


def no_target_code_in(texts) -> bool:
    codes = set(Target.objects.values_list("code", flat=True))
    return not [text for text in texts for code in codes if code in str(text)]


def test_xlsx_summary_and_group_sheets_carry_the_engine_figures_with_clauses(
        figures, tree, reviewer, django_capture_on_commit_callbacks):
    export = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}-M9", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.file.read()))
    # Summary, 2.1-2.3, the integrity signals (the engine raised some on these figures), the reporting rate.
    assert len(book.sheetnames) == 6 and book.sheetnames[1].startswith("2.1") and book.sheetnames[3].startswith("2.3")
    summary = book.worksheets[0]
    assert "Thành phố Hà Nội" in summary["A1"].value
    assert any("Quý III" in str(c.value) for c in summary["B"] if c.value)  # says which engine figures it uses
    expected = summary_from_api(reviewer, "01", "Q3")  # nine months = Q3 to date
    names = short_names()
    rows = {row[1].value: row for row in summary.iter_rows(min_row=1) if row[1].value in names.values()}
    assert set(rows) == {names[code] for code in expected}
    for code, api_row in expected.items():
        row = rows[names[code]]
        assert row[2].value == Target.objects.get(code=code).name_vi
        assert row[0].value == api_row["clause"]
        assert row[4].value == api_row["counts"]["met"] and row[5].value == api_row["counts"]["missed"]
        assert row[9].value == api_row["n_units"]
        assert row[11].value == pytest.approx(_num(api_row["value"])) if api_row["value"] else row[11].value is None
        if api_row["comparison"] != "count_lte":
            assert row[11].number_format == "0.00%"
    # the digital-transformation sheet (2.3) lists every unit's stored DOC_DIGITIZATION result
    documents = book.worksheets[3]
    digitised = names["DOC_DIGITIZATION"]  # "Văn bản được số hóa"'s short name, not the code
    found = {(r[0].value, r[3].value): r for r in documents.iter_rows() if r[3].value == digitised}
    stored = ComplianceResult.objects.filter(year=YEAR, period="Q3", target="DOC_DIGITIZATION",
                                            unit__path__startswith=tree["01"].path).select_related("unit")
    assert len(found) == stored.count() >= 3
    for result in stored:
        row = found[(result.unit.code, digitised)]
        assert row[8].value == result.numerator
        assert row[6].value == (None if result.value is None else pytest.approx(float(result.value)))
        assert row[6].number_format == "0.00%" and row[8].number_format == "#,##0"
    rate = book.worksheets[-1]
    assert rate.title.startswith("Reporting rate") or "Tỷ lệ" in rate.title or rate.max_row >= 10
    assert no_target_code_in(c.value for sheet in book.worksheets for r in sheet.iter_rows() for c in r if c.value)


def test_pdf_text_has_title_unit_with_diacritics_clauses_and_figures(
        figures, tree, reviewer, django_capture_on_commit_callbacks, tmp_path):
    export = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}-Q3", "pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(export.file.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Thành phố Hà Nội" in text and "226-KL/TW" in text and f"{YEAR}" in text
    expected = summary_from_api(reviewer, "01", "Q3")
    names = short_names()
    assert no_target_code_in([text])  # not in the tables, not on the chart's axis
    for code, row in expected.items():
        assert names[code] in text and row["clause"] in text
        if row["value"] is not None:
            assert format_value(Decimal(row["value"]), row["comparison"]) in text, (code, row["value"])
    own = ComplianceResult.objects.get(unit=tree["01"], year=YEAR, period="Q3", target="DOC_DIGITIZATION")
    assert format_value(own.value, "share_gte") in text


def test_pdf_first_page_renders_to_a_non_blank_image(figures, tree, reviewer, django_capture_on_commit_callbacks, tmp_path):
    export = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}-H1", "pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(export.file.read())
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    stat = ImageStat.Stat(image)
    assert image.size[0] > 300 and stat.var[0] > 100  # text, table lines and bars, not a blank page
    colored = Image.open(png).convert("RGB").getcolors(maxcolors=1 << 20)
    assert any(g > r + 40 and g > b + 40 for _n, (r, g, b) in colored)  # the green "met" bars are drawn


def test_csv_has_one_row_per_unit_and_target_with_the_api_values(
        figures, tree, reviewer, django_capture_on_commit_callbacks):
    export = generate(django_capture_on_commit_callbacks, reviewer, tree["01"], f"{YEAR}", "csv")
    text = export.file.read().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    stored = ComplianceResult.objects.filter(year=YEAR, period="Y", unit__path__startswith=tree["01"].path)
    assert len(rows) == stored.count() > 12
    assert {"unit_code", "year", "period", "target", "status", "value", "threshold", "numerator", "denominator",
            "baseline", "computed_at"} <= set(rows[0])
    header = next(csv.reader(io.StringIO(text)))
    assert header[:2] == ["unit_code", "unit_name"] and "unit" not in header  # the unit by its code, no database id
    assert {row["unit_code"] for row in rows} == set(stored.values_list("unit__code", flat=True))
    api_rows = api(reviewer).get("/api/v1/compliance/", {"year": YEAR, "period": "Y", "unit": tree["00070"].pk,
                                                       "page_size": 100}).json()["results"]
    by_target = {row["target"]: row for row in rows if row["unit_code"] == "00070"}
    assert len(api_rows) == 12
    for api_row in api_rows:
        row = by_target[api_row["target"]]
        assert (row["status"], row["value"] or None, row["numerator"] or None) == (
            api_row["status"], api_row["value"], None if api_row["numerator"] is None else str(api_row["numerator"]))


def test_national_export_has_the_reporting_rate_of_provinces(
        figures, tree, reviewer, officer_hn, django_capture_on_commit_callbacks):
    services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q3")
    export = generate(django_capture_on_commit_callbacks, reviewer, tree["TW"], f"{YEAR}-Q3", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.file.read())).worksheets[-1]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    codes = {row[0]: row for row in values if row[0] in ("01", "79")}
    assert set(codes) == {"01", "79"}
    assert [row[1] for row in values if row[1] in (2, 1)][:2] == [2, 1]  # expected 2, submitted 1


def test_api_posts_an_export_then_reports_status_and_download(
        figures, tree, officer_hn, django_capture_on_commit_callbacks):
    client = api(officer_hn)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/reports/", {"unit": "01", "period": f"{YEAR}-Q3", "format": "xlsx"}, format="json")
    assert response.status_code == 202, response.content
    assert set(response.json()) == {"id", "task_id"}
    detail = client.get(f"/api/v1/reports/{response.json()['id']}/").json()
    assert detail["status"] == "ready" and detail["progress"] == 1.0 and detail["period"] == f"{YEAR}-Q3"
    assert detail["format"] == "xlsx" and detail["unit"] == tree["01"].pk
    web = Client()
    web.login(username=officer_hn.username, password=PASSWORD)
    download = web.get(detail["download_url"])
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[0]


@pytest.fixture
def without_system_mime_types(monkeypatch):
    """No /etc/mime.types, as in python:3.11-slim (the Dockerfile's image): Python's own table has no XLSX."""
    monkeypatch.setattr(mimetypes, "knownfiles", [])
    mimetypes.init()
    assert mimetypes.guess_type("a.xlsx") == (None, None)
    yield
    monkeypatch.undo()
    mimetypes.init()


@pytest.mark.parametrize("fmt, media_type", [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pdf", "application/pdf"),
    ("csv", "text/csv"),
])
def test_a_download_carries_its_formats_media_type_whatever_the_system_knows(
        figures, tree, officer_hn, django_capture_on_commit_callbacks, without_system_mime_types, fmt, media_type):
    export = generate(django_capture_on_commit_callbacks, officer_hn, tree["01"], f"{YEAR}-Q3", fmt)
    assert api(officer_hn).get(f"/api/v1/reports/{export.pk}/download/")["Content-Type"] == media_type
    web = Client()
    web.login(username=officer_hn.username, password=PASSWORD)
    assert web.get(f"/reports/archive/{export.pk}/download/")["Content-Type"] == media_type


@pytest.mark.parametrize("payload, field", [
    ({"unit": "01", "period": "2026-Q5", "format": "pdf"}, "period"),
    ({"unit": "01", "period": "Q3-2026", "format": "pdf"}, "period"),
    ({"unit": "01", "period": "2026-Q3", "format": "docx"}, "format"),
    ({"unit": "99", "period": "2026-Q3", "format": "pdf"}, "unit"),
])
def test_api_refuses_a_bad_period_format_or_unit_with_field_errors(tree, officer_hn, payload, field):
    response = api(officer_hn).post("/api/v1/reports/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not ReportExport.objects.exists()


def test_exports_are_scoped_to_the_officers_subtree(figures, tree, officer_hn, officer_hcm, django_capture_on_commit_callbacks):
    mine = generate(django_capture_on_commit_callbacks, officer_hn, tree["01"], f"{YEAR}-Q3", "csv")
    response = api(officer_hcm).post("/api/v1/reports/", {"unit": "01", "period": f"{YEAR}-Q3", "format": "csv"}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert api(officer_hcm).get(f"/api/v1/reports/{mine.pk}/").status_code == 404
    assert api(officer_hcm).get("/api/v1/reports/").json()["count"] == 0
    web = Client()
    web.login(username=officer_hcm.username, password=PASSWORD)
    assert web.get(f"/reports/archive/{mine.pk}/download/").status_code == 404
    assert "01" not in [row["unit_code"] for row in api(officer_hcm).get("/api/v1/reports/").json()["results"]]


def test_the_task_records_progress_and_a_failure_on_the_export(tree):
    from reports.tasks import export_generate

    export = ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="xlsx", task_id="t-1")
    result = export_generate.apply(args=[export.pk])
    assert result.successful() and result.result["status"] == "ready" and result.result["total"] >= 3
    export.refresh_from_db()
    assert export.status == "ready" and export.done == export.total
    broken = ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="bogus", task_id="t-2")
    assert export_generate.apply(args=[broken.pk]).failed()
    broken.refresh_from_db()
    assert broken.status == "failed" and "bogus" in broken.error
