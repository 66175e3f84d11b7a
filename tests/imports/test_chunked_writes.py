"""On PostgreSQL rows are validated in a thread and written chunk by chunk while the file is clean so far:
whatever is found later (in Python or by the whole-file checks) still leaves nothing written."""
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import DigitizationReport, Document
from imports import services
from imports.loaders import postgres as pg_loader
from reports import services as report_services
from tests.factories import DocumentFactory

from .conftest import csv_bytes, doc_rows, upload


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(pg_loader, "CHUNK_ROWS", 7)


def test_a_file_of_many_chunks_loads_every_row_and_counts_like_one_upsert(officer_hn, tree):
    first = upload(officer_hn, csv_bytes(doc_rows(50) + doc_rows(20, unit="00070")))
    assert (first.status, first.created, first.updated, first.unchanged) == ("succeeded", 70, 0, 0)
    assert sorted(first.unit_ids) == sorted([tree["01"].pk, tree["00070"].pk]) and first.years == [2025]
    corrected = doc_rows(50) + doc_rows(20, unit="00070")
    corrected[3][3] = "Corrected"
    corrected[45][6] = "0"
    again = upload(officer_hn, csv_bytes(corrected + doc_rows(3, start=51)))
    assert (again.created, again.updated, again.unchanged) == (3, 2, 68)
    assert Document.objects.count() == 73
    assert Document.objects.get(unit=tree["01"], number="4/QĐ-UBND").title == "Corrected"


def test_a_duplicate_in_a_later_chunk_writes_nothing(officer_hn):
    rows = doc_rows(40)
    rows[35][1] = rows[2][1]  # line 37 repeats line 4, five chunks later
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(37, "number")]
    assert "line 4" in batch.errors[0]["message"]


def test_a_duplicate_inside_one_chunk_writes_nothing(officer_hn):
    rows = doc_rows(40)
    rows[23][1] = rows[22][1]  # lines 24 and 25: the same chunk, which the database refuses to upsert
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(25, "number")]


def test_a_unit_out_of_scope_in_the_last_chunk_writes_nothing(officer_hn):
    batch = upload(officer_hn, csv_bytes(doc_rows(40) + doc_rows(1, unit="79", start=41)))
    assert batch.status == "failed" and Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(42, "unit_code")]


def test_a_bad_cell_in_a_later_chunk_writes_nothing(officer_hn):
    rows = doc_rows(40)
    rows[30][4] = "2025-02-30"
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(32, "issued_on")]


def test_a_locked_period_in_a_later_chunk_writes_nothing(officer_hn, reviewer, tree):
    report = report_services.report_submit(user=officer_hn, unit=tree["01"], year=2025, period="Q1")
    report_services.report_approve(user=reviewer, report=report)
    rows = [["01", f"{i}/QĐ-UBND", "QĐ", "Quyết định", "2025-05-02", "1", "1"] for i in range(1, 31)]
    rows.append(["01", "31/QĐ-UBND", "QĐ", "Quyết định", "2025-03-02", "1", "1"])
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(32, "issued_on")]


def test_a_file_refused_after_chunks_were_written_writes_nothing(officer_hn, settings):
    settings.IMPORTS_MAX_ROWS = 30
    batch = upload(officer_hn, csv_bytes(doc_rows(40)))
    assert batch.status == "failed" and "30" in batch.message and Document.objects.count() == 0


def test_messages_written_by_the_validation_thread_are_in_the_batch_language(officer_hn):
    rows = doc_rows(20)
    rows[15][4] = "not a date"
    batch = services.import_create(user=officer_hn, kind="documents", upload=SimpleUploadedFile("r.csv", csv_bytes(rows)),
                                   language="vi")
    services.import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.errors[0]["line"] == 17
    assert "không phải ngày" in batch.errors[0]["message"]


def test_progress_is_reported_chunk_by_chunk_up_to_every_row(officer_hn):
    seen = []
    batch = services.import_create(user=officer_hn, kind="documents",
                                   upload=SimpleUploadedFile("r.csv", csv_bytes(doc_rows(30))), language="en")
    services.import_run(batch_id=batch.pk, on_progress=lambda done, total: seen.append(done))
    assert seen == [0, 7, 14, 21, 28, 30]


def test_the_first_chunks_are_smaller_and_double_up_to_the_chunk_size(officer_hn, monkeypatch):
    monkeypatch.setattr(pg_loader, "FIRST_CHUNK_ROWS", 2)
    seen = []
    batch = services.import_create(user=officer_hn, kind="documents",
                                   upload=SimpleUploadedFile("r.csv", csv_bytes(doc_rows(30))), language="en")
    services.import_run(batch_id=batch.pk, on_progress=lambda done, total: seen.append(done))
    assert seen == [0, 2, 6, 13, 20, 27, 30]  # chunks of 2, 4, then 7 (CHUNK_ROWS), and the rest
    assert Document.objects.count() == 30


def test_digitisation_reports_are_written_chunk_by_chunk_too(officer_hn, tree):
    header = ["unit_code", "year", "quarter", "procedures_total", "procedures_digital"]
    rows = [[code, str(year), str(q), "10", "9"] for code in ("01", "00070") for year in (2024, 2025) for q in (1, 2, 3, 4)]
    first = upload(officer_hn, csv_bytes(rows, header=header), kind="digitization-reports")
    again = upload(officer_hn, csv_bytes(rows, header=header), kind="digitization-reports")
    assert (first.created, again.created, again.unchanged) == (16, 0, 16)
    assert DigitizationReport.objects.count() == 16


def test_rows_that_exist_in_a_later_chunk_are_updated_after_new_chunks_were_inserted(officer_hn, tree):
    DocumentFactory(unit=tree["01"], number="30/QĐ-UBND", title="Old title", issued_on=datetime.date(2025, 3, 3))
    same = doc_rows(1, start=33)[0]
    upload(officer_hn, csv_bytes([same]))
    batch = upload(officer_hn, csv_bytes(doc_rows(50)))
    assert (batch.status, batch.created, batch.updated, batch.unchanged) == ("succeeded", 48, 1, 1)
    assert Document.objects.count() == 50
    assert Document.objects.get(unit=tree["01"], number="30/QĐ-UBND").title == "Quyết định về việc 30"


def test_the_register_foreign_keys_are_deferred_again_after_the_upload(officer_hn):
    from django.db import connection

    upload(officer_hn, csv_bytes(doc_rows(10)))
    with connection.cursor() as cursor:
        # Inside the test's transaction: a row pointing at a unit that does not exist yet is accepted
        # until commit, as Django's INITIALLY DEFERRED foreign keys promise.
        cursor.execute("SAVEPOINT probe")
        cursor.execute("INSERT INTO documents_document (unit_id, number, number_key, doc_type_id, title, issued_on, "
                       "year, is_digitized, sent_electronically, needs_review, created_at, updated_at) "
                       "VALUES (987654321, 'x', 'x', 'QĐ', 't', '2025-01-01', 2025, false, false, false, now(), now())")
        cursor.execute("ROLLBACK TO SAVEPOINT probe")


def test_a_file_of_new_rows_written_by_plain_inserts_skips_only_the_checks_the_constraints_made(officer_hn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def checks_run(data: bytes) -> tuple[str, bool, bool]:
        with CaptureQueriesContext(connection) as queries:
            batch = upload(officer_hn, data)
        sql = [query["sql"] for query in queries.captured_queries]
        return (batch.status, any("HAVING count(*) > 1" in text for text in sql),
                any("SELECT DISTINCT u.code, u.path FROM import_staging" in text for text in sql))

    # Every row inserted as new: the unique key refused any duplicate and the join kept every unit; locks checked.
    assert checks_run(csv_bytes(doc_rows(20))) == ("succeeded", False, True)
    # Rows that exist already are upserted (a duplicate would update the row of an earlier chunk): every check.
    assert checks_run(csv_bytes(doc_rows(20))) == ("succeeded", True, True)
    # A row of another unit is not written by the join: every check, which reports it.
    assert checks_run(csv_bytes(doc_rows(20, start=30) + doc_rows(1, unit="79", start=60)))[:2] == ("failed", True)
