"""An upload keeps the history of what it changes: the rows a form edit writes, set-based, named after the upload.
What it creates names the upload (see test_creation_history.py)."""
from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DigitizationReport, Document
from imports.loaders import postgres as pg_loader
from meetings.models import Conference
from reform import services as records
from tests.factories import ConferenceFactory, DigitizationReportFactory, choose_language

from .conftest import csv_bytes, doc_rows, upload

CONFERENCE_HEADER = ["unit_code", "title", "held_on", "duration_days", "format", "category", "scope", "participants"]
REPORT_HEADER = ["unit_code", "year", "quarter", "procedures_total", "procedures_digital"]


def _form_created(user, unit, n: int, *, title: str, issued_on: datetime.date) -> Document:
    """A document entered through the form's service: its '+' history row is the state before any upload."""
    return records.record_create(model=Document, user=user, data={
        "unit": unit, "number": f"{n}/QĐ-UBND", "doc_type_id": "QĐ", "title": title, "issued_on": issued_on,
    })


def _five_rows_two_of_them_changed() -> list[list[str]]:
    rows = doc_rows(5)
    rows[0][3], rows[0][4] = "Tiêu đề mới 1", "2025-04-10"
    rows[1][3], rows[1][4] = "Tiêu đề mới 2", "2025-05-20"
    return rows


@pytest.fixture
def two_documents(officer_hn, tree):
    return [
        _form_created(officer_hn, tree["01"], 1, title="Tiêu đề cũ 1", issued_on=datetime.date(2025, 3, 2)),
        _form_created(officer_hn, tree["01"], 2, title="Tiêu đề cũ 2", issued_on=datetime.date(2025, 3, 3)),
    ]


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgres", "orm"])
def test_an_upload_that_updates_two_documents_writes_their_history_with_the_uploader_and_upload(
    officer_hn, two_documents, force_orm,
):
    batch = upload(officer_hn, csv_bytes(_five_rows_two_of_them_changed()), name="so-van-ban.csv", force_orm=force_orm)
    assert (batch.status, batch.created, batch.updated, batch.unchanged) == ("succeeded", 3, 2, 0)
    reason = f"Upload #{batch.pk} (so-van-ban.csv)"
    for document, title, date in zip(two_documents, ["Tiêu đề mới 1", "Tiêu đề mới 2"],
                                     [datetime.date(2025, 4, 10), datetime.date(2025, 5, 20)]):
        history = list(document.history.order_by("-history_date"))
        assert [h.history_type for h in history] == ["~", "+"]
        after, before = history
        assert (after.history_user, after.history_change_reason, after.history_date) == (officer_hn, reason, batch.history_date)
        assert (after.title, after.issued_on) == (title, date)
        assert after.prev_record == before and before.title.startswith("Tiêu đề cũ")
        delta = {change.field: (change.old, change.new) for change in after.diff_against(before).changes}
        assert delta["title"] == (before.title, title) and delta["issued_on"] == (before.issued_on, date)
    # The three it created name it, and have no history row until they change.
    assert set(Document.objects.filter(upload=batch).values_list("number", flat=True)) == {"3/QĐ-UBND", "4/QĐ-UBND", "5/QĐ-UBND"}
    assert not Document.history.filter(history_type="+", history_change_reason=reason).exists()
    assert Document.history.count() == 2 + 2


def test_the_audit_page_shows_the_upload_rows_before_and_after_like_a_form_edit(
    officer_hn, administrator, two_documents, client,
):
    batch = upload(officer_hn, csv_bytes(_five_rows_two_of_them_changed()), name="so-van-ban.csv")
    client.force_login(administrator)
    response = choose_language(client, "en").get(reverse("audit_trail"), {"model": "document"})
    changes = [entry for entry in response.context["entries"] if entry["action"] == "~"]
    assert len(changes) == 2
    for entry in changes:
        assert entry["user"] == officer_hn and entry["reason"] == f"Upload #{batch.pk} (so-van-ban.csv)"
        labels = {change["label"]: (change["old"], change["new"]) for change in entry["changes"]}
        assert labels["title"][0].startswith("Tiêu đề cũ") and labels["title"][1].startswith("Tiêu đề mới")
        assert labels["issue date"][0] != labels["issue date"][1]
    html = response.content.decode()
    assert "Tiêu đề cũ 1" in html and "Tiêu đề mới 1" in html and f"Upload #{batch.pk} (so-van-ban.csv)" in html


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgres", "orm"])
def test_a_record_without_history_gets_its_state_before_the_upload_kept(officer_hn, tree, force_orm):
    # Written before uploads kept history (a bulk write, no history row at all).
    Document.objects.bulk_create([Document(unit=tree["01"], number="1/QĐ-UBND", doc_type_id="QĐ", title="Bản cũ",
                                           issued_on=datetime.date(2025, 3, 2), year=2025, is_digitized=True,
                                           sent_electronically=True)])
    document = Document.objects.get()
    assert not document.history.exists()
    rows = doc_rows(1)
    rows[0][3] = "Bản mới"
    batch = upload(officer_hn, csv_bytes(rows), force_orm=force_orm)
    assert batch.updated == 1
    after, before = document.history.order_by("-history_date")
    assert (before.history_type, before.title, before.history_user) == ("+", "Bản cũ", None)
    assert before.history_change_reason == f"State before upload #{batch.pk} (no earlier history)"
    assert before.history_date < after.history_date
    assert (after.history_type, after.title, after.history_user, after.prev_record) == ("~", "Bản mới", officer_hn, before)


def test_conferences_and_digitisation_reports_changed_by_an_upload_get_their_history(officer_hn, tree):
    conference = ConferenceFactory(unit=tree["01"], title="Hội nghị triển khai", held_on=datetime.date(2025, 3, 5),
                                   duration_days="0.5", format="online", category="dissemination", participants=80)
    report = DigitizationReportFactory(unit=tree["01"], year=2025, quarter=1, procedures_total=100, procedures_digital=90)
    conferences = upload(officer_hn, csv_bytes([
        ["01", "Hội nghị triển khai", "2025-03-05", "0.5", "online", "dissemination", "specialized", "120"],
        ["01", "Hội nghị mới", "2025-03-06", "1", "in_person", "professional", "specialized", "30"],
    ], header=CONFERENCE_HEADER), kind="conferences", name="hoi-nghi.csv")
    reports = upload(officer_hn, csv_bytes([["01", "2025", "1", "100", "96"], ["01", "2025", "2", "50", "50"]],
                                           header=REPORT_HEADER), kind="digitization-reports", name="so-hoa.csv")
    assert (conferences.created, conferences.updated, reports.created, reports.updated) == (1, 1, 1, 1)
    after = conference.history.latest("history_date")
    assert (after.history_type, after.participants, after.prev_record.participants) == ("~", 120, 80)
    assert (after.history_user, after.history_change_reason) == (officer_hn, f"Upload #{conferences.pk} (hoi-nghi.csv)")
    created = Conference.objects.get(title="Hội nghị mới")
    assert created.upload == conferences and not created.history.exists()
    after = report.history.latest("history_date")
    assert (after.history_type, after.procedures_digital, after.prev_record.procedures_digital) == ("~", 96, 90)
    assert after.history_change_reason == f"Upload #{reports.pk} (so-hoa.csv)"
    assert DigitizationReport.objects.get(quarter=2).upload == reports
    assert not DigitizationReport.history.filter(quarter=2).exists()


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgres", "orm"])
def test_an_identical_re_upload_writes_no_history_and_reports_0_updated(officer_hn, tree, force_orm):
    data = csv_bytes(doc_rows(30))
    first = upload(officer_hn, data, force_orm=force_orm)
    assert Document.objects.filter(upload=first).count() == 30 and Document.history.count() == 0
    again = upload(officer_hn, data, force_orm=force_orm)
    assert (again.status, again.created, again.updated, again.unchanged) == ("succeeded", 0, 0, 30)
    assert Document.objects.filter(upload=first).count() == 30 and Document.history.count() == 0
    assert not Document.history.filter(history_change_reason__contains=f"#{again.pk} ").exists()
    assert first.updated == 0


def test_history_is_written_by_one_statement_per_chunk_not_per_row(officer_hn, tree, monkeypatch):
    monkeypatch.setattr(pg_loader, "CHUNK_ROWS", 10)
    upload(officer_hn, csv_bytes(doc_rows(40)))

    def history_statements(rows: int, title: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            batch = upload(officer_hn, csv_bytes(doc_rows(rows, title=title)))
        assert batch.updated == rows
        statements = [q["sql"] for q in queries.captured_queries if "INSERT INTO documents_historicaldocument" in q["sql"]]
        return len(statements), len(queries.captured_queries)

    twenty, twenty_total = history_statements(20, "Sửa lần một {i}")
    forty, forty_total = history_statements(40, "Sửa lần hai {i}")
    # 2 and 4 chunks of 10 rows: one statement per chunk writes its history (plus, once, the plain
    # INSERT tried first, rolled back on the first existing row).
    assert twenty <= 2 + 1 and forty <= 4 + 1
    assert forty_total - twenty_total <= 2 * 6  # 20 more rows, 2 more chunks: a few statements each
    assert Document.history.filter(history_type="~").count() == 60


def test_the_page_and_the_api_list_the_records_an_upload_updated(officer_hn, two_documents, client):
    batch = upload(officer_hn, csv_bytes(_five_rows_two_of_them_changed()))
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer_hn)
    body = api.get(f"/api/v1/imports/{batch.pk}/").json()
    assert body["counts"] == {"created": 3, "updated": 2, "unchanged": 0, "refused": 0}
    assert body["dry_run"] is False and body["updated_records_truncated"] is False
    assert [(r["id"], r["label"], r["unit"]) for r in body["updated_records"]] == [
        (document.pk, document.number, "01") for document in two_documents
    ]
    assert body["updated_records"][0]["url"].endswith(f"/documents/{two_documents[0].pk}/")
    client.force_login(officer_hn)
    assert client.get(body["updated_records"][0]["url"]).status_code == 200
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    table = html[html.index('id="updated-records"'):]
    for document in two_documents:
        assert re.search(rf'<a href="/documents/{document.pk}/">{re.escape(document.number)}</a>', table)
    assert 'id="count-updated">2<' in html


def test_the_change_reason_is_in_the_uploaders_language(officer_hn, two_documents):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services

    batch = services.import_create(user=officer_hn, kind="documents", language="vi",
                                   upload=SimpleUploadedFile("tep.csv", csv_bytes(_five_rows_two_of_them_changed())))
    services.import_run(batch_id=batch.pk)
    reasons = set(Document.history.filter(history_user=officer_hn, history_type="~").values_list("history_change_reason", flat=True))
    assert reasons == {f"Tải lên #{batch.pk} (tep.csv)"}
