"""A check only (`dry_run`): the same checks and counts as an upload, and nothing written but the job row."""
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from documents.models import Document
from imports.models import ImportBatch
from reform import services as records

from .conftest import csv_bytes, doc_rows, upload


# A check only may store its job: the upload's row and the Celery result of the task that ran it.
JOB_TABLES = {ImportBatch._meta.db_table, "django_celery_results_taskresult"}


def _row_counts() -> dict[str, int]:
    """Rows of every table but the jobs' own: the registers, their history, everything else."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table not in JOB_TABLES:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def two_documents(officer_hn, tree):
    return [
        records.record_create(model=Document, user=officer_hn, data={
            "unit": tree["01"], "number": f"{n}/QĐ-UBND", "doc_type_id": "QĐ", "title": f"Tiêu đề cũ {n}",
            "issued_on": datetime.date(2025, 3, n + 1),
        })
        for n in (1, 2)
    ]


def _file(*, bad: bool) -> bytes:
    """Two changed documents, three new ones and, if `bad`, a sixth row dated in the future."""
    rows = doc_rows(5)
    rows[0][3], rows[1][3] = "Tiêu đề mới 1", "Tiêu đề mới 2"
    if bad:
        rows.append(["01", "6/QĐ-UBND", "QĐ", "Ngày sai", "2999-01-01", "true", "1"])
    return csv_bytes(rows)


def _post(user, data: bytes, captured, **extra):
    client = APIClient()
    client.force_authenticate(user)
    with captured(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", data), **extra},
                               format="multipart")
    assert response.status_code == 202, response.content
    return client, client.get(f"/api/v1/imports/{response.json()['id']}/").json()


def test_a_dry_run_through_the_api_reports_what_would_be_created_and_updated_and_writes_nothing(
    officer_hn, two_documents, django_capture_on_commit_callbacks,
):
    before = _row_counts()
    _client, body = _post(officer_hn, _file(bad=False), django_capture_on_commit_callbacks, dry_run="true")
    assert (body["status"], body["dry_run"]) == ("succeeded", True)
    assert body["counts"] == {"created": 3, "updated": 2, "unchanged": 0, "refused": 0}
    assert body["updated_records"] == [] and body["errors"] == []
    assert _row_counts() == before
    assert [d.title for d in Document.objects.order_by("pk")] == ["Tiêu đề cũ 1", "Tiêu đề cũ 2"]
    # The real upload of the same file then does what the check said.
    done = upload(officer_hn, _file(bad=False))
    assert (done.dry_run, done.created, done.updated, done.unchanged) == (False, 3, 2, 0)


def test_a_dry_run_with_a_bad_row_lists_the_same_errors_and_counts_the_other_rows(
    officer_hn, two_documents, django_capture_on_commit_callbacks,
):
    before = _row_counts()
    _client, body = _post(officer_hn, _file(bad=True), django_capture_on_commit_callbacks, dry_run="true")
    assert (body["status"], body["dry_run"]) == ("failed", True)
    assert body["counts"] == {"created": 3, "updated": 2, "unchanged": 0, "refused": 1}
    assert "nothing was written" in body["message"]
    assert _row_counts() == before
    real = upload(officer_hn, _file(bad=True))
    assert real.status == "failed" and real.refused == 1 and (real.created, real.updated) == (0, 0)
    assert body["errors"] == real.errors == [{"line": 7, "column": "issued_on", "message": real.errors[0]["message"]}]
    assert Document.objects.count() == 2


def test_a_dry_run_on_the_orm_path_counts_alike_and_writes_nothing(officer_hn, two_documents):
    before = _row_counts()
    batch = services_upload_dry(officer_hn, _file(bad=True), force_orm=True)
    assert (batch.status, batch.created, batch.updated, batch.refused) == ("failed", 3, 2, 1)
    clean = services_upload_dry(officer_hn, _file(bad=False), force_orm=True)
    assert (clean.status, clean.created, clean.updated, clean.refused) == ("succeeded", 3, 2, 0)
    assert _row_counts() == before


def services_upload_dry(user, data: bytes, *, force_orm: bool) -> ImportBatch:
    from imports import services

    batch = services.import_create(user=user, kind="documents", upload=SimpleUploadedFile("r.csv", data),
                                   language="en", dry_run=True)
    services.import_run(batch_id=batch.pk, force_orm=force_orm)
    batch.refresh_from_db()
    return batch


def test_check_only_on_the_web_form_reports_the_counts_and_writes_nothing(
    officer_hn, two_documents, client, django_capture_on_commit_callbacks,
):
    client.force_login(officer_hn)
    assert 'name="dry_run"' in client.get("/imports/").content.decode()
    before = _row_counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", _file(bad=True)),
                                             "dry_run": "on"})
    assert response.status_code == 302
    assert _row_counts() == before
    batch = ImportBatch.objects.get()
    assert batch.dry_run and (batch.created, batch.updated, batch.refused) == (3, 2, 1)
    html = client.get(response["Location"]).content.decode()
    assert 'id="dry-run-notice"' in html
    assert 'id="count-created">3<' in html and 'id="count-updated">2<' in html and 'id="count-refused">1<' in html
    assert "Issue date" in html and "<code>issued_on" not in html  # the refused row is listed, by the column's label


def test_without_the_box_the_web_form_uploads_for_real(officer_hn, two_documents, client, django_capture_on_commit_callbacks):
    client.force_login(officer_hn)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", _file(bad=False))})
    batch = ImportBatch.objects.get()
    assert not batch.dry_run and (batch.created, batch.updated) == (3, 2)
    assert Document.objects.count() == 5


def test_the_openapi_schema_shows_dry_run_and_the_refused_count(officer_hn):
    client = APIClient()
    client.force_authenticate(officer_hn)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    request = schema["paths"]["/api/v1/imports/"]["post"]["requestBody"]["content"]
    form = next(iter(request.values()))["schema"]["$ref"].rsplit("/", 1)[1]
    assert components[form]["properties"]["dry_run"]["type"] == "boolean"
    assert "dry_run" in components["ImportBatch"]["properties"]
    assert "refused" in components["Counts"]["properties"]
    assert "updated_records" in components["ImportBatchDetail"]["properties"]
