"""Uploading the documents register: all or nothing, idempotent, scoped, with every bad row reported."""
from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from documents.models import Document
from imports.models import ImportBatch
from reform.signals import records_changed
from tests.factories import DocumentFactory

from .conftest import DOC_HEADER, csv_bytes, doc_rows, upload


def xlsx_bytes(rows, header) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_good_csv_file_loads_every_row(officer_hn, tree):
    batch = upload(officer_hn, csv_bytes(doc_rows(120) + doc_rows(30, unit="00070"), bom=True))
    assert batch.status == "succeeded", batch.errors
    assert (batch.created, batch.updated, batch.unchanged, batch.error_count) == (150, 0, 0, 0)
    assert Document.objects.filter(unit=tree["01"]).count() == 120
    assert Document.objects.filter(unit=tree["00070"]).count() == 30
    doc = Document.objects.get(unit=tree["01"], number="7/QĐ-UBND")
    assert (doc.year, doc.doc_type_id, doc.is_digitized, doc.sent_electronically, doc.needs_review) == (2025, "QĐ", True, True, False)
    assert sorted(batch.unit_ids) == sorted([tree["01"].pk, tree["00070"].pk]) and batch.years == [2025]


def test_a_good_xlsx_file_with_vietnamese_headers_and_a_label_row_loads(officer_hn, tree):
    header = ["Mã đơn vị", "Số và ký hiệu", "Loại văn bản", "Trích yếu", "Ngày ban hành", "Đã số hóa", "Gửi qua mạng"]
    rows = [["Mã đơn vị", "Số và ký hiệu", "Loại văn bản", "Trích yếu", "Ngày ban hành", "Đã số hóa", "Gửi qua mạng"]]
    rows += [["01", f"{i}-NQ/TU", "NQ", f"Nghị quyết {i}", datetime.datetime(2025, 2, i), "có", 0] for i in range(1, 21)]
    rows += [["01", "12/UBND-VP", None, "Công văn", "15/02/2025", "không", True]]
    batch = upload(officer_hn, xlsx_bytes(rows, header), name="so-van-ban.xlsx")
    assert batch.status == "succeeded", (batch.message, batch.errors)
    assert batch.created == 21
    letter = Document.objects.get(number="12/UBND-VP")
    assert (letter.doc_type_id, letter.issued_on.isoformat(), letter.is_digitized, letter.sent_electronically) == (
        "CV", "2025-02-15", False, True)
    assert Document.objects.get(number="3-NQ/TU").is_digitized is True


def test_one_bad_row_among_thousands_writes_nothing_and_reports_that_row(officer_hn, client):
    rows = doc_rows(3000)
    rows[1499][4] = "2025-02-30"  # file line 1501 (the header is line 1)
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed"
    assert Document.objects.count() == 0
    assert batch.error_count == 1
    assert batch.errors == [{"line": 1501, "column": "issued_on", "message": batch.errors[0]["message"]}]
    assert "2025-02-30" in batch.errors[0]["message"]
    client.force_login(officer_hn)
    response = client.get(f"/imports/{batch.pk}/errors.csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["line", "column", "message"] and lines[1][:2] == ["1501", "issued_on"]
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "1501" in page and "<td>Issue date</td>" in page  # the column by its label, not its API name


def test_every_bad_row_is_listed_with_line_column_and_message(officer_hn, tree):
    rows = doc_rows(10)
    rows[0][2] = "XX"  # unknown type (line 2)
    rows[1][1] = "5/NQ-UBND"  # the symbol says NQ, the row says QĐ (line 3)
    rows[2][5] = "maybe"  # not a boolean (line 4)
    rows[3][0] = "99999"  # unknown unit (line 5)
    rows[4][1] = rows[5][1]  # same number, same unit, same year as line 7 (line 6 is first)
    rows[6][4] = "2099-01-01"  # the future (line 8)
    rows[7][3] = ""  # no title (line 9)
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and Document.objects.count() == 0
    found = {(e["line"], e["column"]) for e in batch.errors}
    assert found == {(2, "doc_type"), (3, "number"), (4, "is_digitized"), (5, "unit_code"), (7, "number"),
                     (8, "issued_on"), (9, "title")}
    assert [e["line"] for e in batch.errors] == sorted(e["line"] for e in batch.errors)
    by_line = {e["line"]: e["message"] for e in batch.errors}
    assert "99999" in by_line[5] and "6" in by_line[7] and "NQ" in by_line[3]


def test_an_unparseable_symbol_is_kept_and_flagged_for_review(officer_hn):
    rows = [["01", "Số 12 ngày 3 tháng 2", "TB", "Thông báo", "2025-02-03", "1", "1"]]
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "succeeded"
    assert Document.objects.get().needs_review is True


def test_uploading_the_same_file_twice_creates_nothing_the_second_time(officer_hn):
    data = csv_bytes(doc_rows(200))
    first = upload(officer_hn, data)
    second = upload(officer_hn, data)
    assert (first.created, first.updated, first.unchanged) == (200, 0, 0)
    assert (second.status, second.created, second.updated, second.unchanged) == ("succeeded", 0, 0, 200)
    assert Document.objects.count() == 200
    assert first.sha256 == second.sha256


def test_a_corrected_file_updates_the_rows_by_natural_key_with_their_history(officer_hn, tree):
    existing = DocumentFactory(unit=tree["01"], number="3/QĐ-UBND", title="Old title", issued_on=datetime.date(2025, 3, 4))
    first = upload(officer_hn, csv_bytes(doc_rows(10)))
    assert (first.created, first.updated, first.unchanged) == (9, 1, 0)
    corrected = doc_rows(10)
    corrected[0][3] = "Corrected title"
    corrected[1][6] = "0"
    batch = upload(officer_hn, csv_bytes(corrected + doc_rows(2, start=11)))
    assert (batch.created, batch.updated, batch.unchanged) == (2, 2, 8)
    assert Document.objects.get(number="1/QĐ-UBND").title == "Corrected title"
    assert Document.objects.get(number="2/QĐ-UBND").sent_electronically is False
    existing.refresh_from_db()
    assert existing.title == "Quyết định về việc 3"
    assert Document.objects.count() == 12
    # The batch rows, with their counts, and a history row per record written (tests/imports/test_history.py).
    assert ImportBatch.objects.filter(user=officer_hn).count() == 2
    assert list(Document.history.filter(number="1/QĐ-UBND").values_list("history_type", flat=True)) == ["~", "+"]


def test_records_changed_is_sent_once_on_commit_with_the_units_and_years(officer_hn, tree, django_capture_on_commit_callbacks):
    events = []

    def listener(sender, **kwargs):
        events.append(kwargs)

    records_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            upload(officer_hn, csv_bytes(doc_rows(5) + doc_rows(5, unit="00004", year=2024)))
    finally:
        records_changed.disconnect(listener)
    assert len(events) == 1
    assert events[0]["unit_ids"] == {tree["01"].pk, tree["00004"].pk} and events[0]["years"] == {2024, 2025}
    assert events[0]["model"] is Document


def test_a_row_for_another_province_rejects_the_whole_file(officer_hn, tree):
    rows = doc_rows(50) + doc_rows(1, unit="79", start=51)
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed"
    assert Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(52, "unit_code")]
    assert "79" in batch.errors[0]["message"]


def test_a_commune_officer_cannot_upload_for_the_province_above(officer_commune):
    batch = upload(officer_commune, csv_bytes(doc_rows(3, unit="00070") + doc_rows(1, unit="01", start=4)))
    assert batch.status == "failed" and batch.errors[0]["line"] == 5 and Document.objects.count() == 0


def test_an_administrator_may_upload_for_any_unit(administrator, tree):
    batch = upload(administrator, csv_bytes(doc_rows(3, unit="79") + doc_rows(3, unit="00070")))
    assert batch.status == "succeeded" and batch.created == 6


def test_the_orm_path_used_on_sqlite_gives_the_same_counts(officer_hn, tree):
    data = csv_bytes(doc_rows(300))
    first = upload(officer_hn, data, force_orm=True)
    again = upload(officer_hn, data, force_orm=True)
    corrected = doc_rows(300)
    corrected[9][3] = "Changed"
    changed = upload(officer_hn, csv_bytes(corrected + doc_rows(5, start=301)), force_orm=True)
    assert (first.created, first.updated, first.unchanged) == (300, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)
    assert (changed.created, changed.updated, changed.unchanged) == (5, 1, 300 - 1)
    # ... and the PostgreSQL path agrees on the same file afterwards.
    pg = upload(officer_hn, csv_bytes(corrected + doc_rows(5, start=301)))
    assert (pg.created, pg.updated, pg.unchanged) == (0, 0, 305)
    assert Document.objects.get(number="10/QĐ-UBND").title == "Changed"


def test_the_orm_path_reports_the_same_errors(officer_hn):
    rows = doc_rows(10)
    rows[3][0] = "79"
    rows[4][1] = rows[5][1]
    rows[6][4] = "not a date"
    pg = upload(officer_hn, csv_bytes(rows))
    orm = upload(officer_hn, csv_bytes(rows), force_orm=True)
    assert pg.errors == orm.errors and len(pg.errors) == 3
    assert Document.objects.count() == 0


def test_a_document_type_implied_by_the_symbol_may_be_left_empty(officer_hn):
    header = ["unit_code", "number", "title", "issued_on"]
    batch = upload(officer_hn, csv_bytes([["01", "45-KL/TU", "Kết luận", "2025-01-02"]], header=header))
    assert batch.status == "succeeded"
    doc = Document.objects.get()
    assert (doc.doc_type_id, doc.is_digitized) == ("KL", False)


def test_a_semicolon_separated_file_from_vietnamese_excel_loads(officer_hn):
    batch = upload(officer_hn, csv_bytes(doc_rows(4), delimiter=";"))
    assert batch.status == "succeeded" and batch.created == 4


@pytest.mark.parametrize("value,expected", [("true", True), ("FALSE", False), ("1", True), ("0", False), ("yes", True),
                                            ("no", False), ("có", True), ("Không", False), ("", False)])
def test_booleans_accept_the_usual_spellings(officer_hn, value, expected):
    rows = doc_rows(1)
    rows[0][5] = value
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "succeeded", batch.errors
    assert Document.objects.get().is_digitized is expected


def test_a_missing_required_column_refuses_the_file(officer_hn):
    header = [h for h in DOC_HEADER if h != "issued_on"]
    batch = upload(officer_hn, csv_bytes([["01", "1/QĐ-UBND", "QĐ", "x", "1", "1"]], header=header))
    assert batch.status == "failed" and "Issue date" in batch.message


def test_the_downloaded_template_is_accepted_back(officer_hn, client):
    client.force_login(officer_hn)
    response = client.get("/imports/templates/documents.xlsx?lang=vi")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == DOC_HEADER
    assert sheet["A2"].value == "Mã đơn vị"
    sheet.append(["01", "9/QĐ-UBND", "QĐ", "Quyết định", "2025-01-09", "có", "không"])
    out = io.BytesIO()
    workbook.save(out)
    batch = upload(officer_hn, out.getvalue(), name="template.xlsx")
    assert batch.status == "succeeded" and batch.created == 1, (batch.message, batch.errors)
    csv_template = client.get("/imports/templates/conferences.csv?lang=en").content.decode("utf-8-sig")
    assert csv_template.splitlines()[0].startswith("unit_code,title,held_on,duration_days,format")


def test_titles_with_tabs_backslashes_and_line_breaks_load_unchanged_through_copy(officer_hn):
    title = "Về việc\tkiểm tra\\rà soát\nđợt 2"
    batch = upload(officer_hn, csv_bytes([["01", "1/QĐ-UBND", "QĐ", title, "2025-01-02", "1", "1"]]))
    assert batch.status == "succeeded", batch.errors
    assert Document.objects.get().title == title
    again = upload(officer_hn, csv_bytes([["01", "1/QĐ-UBND", "QĐ", title, "2025-01-02", "1", "1"]]))
    assert again.unchanged == 1
