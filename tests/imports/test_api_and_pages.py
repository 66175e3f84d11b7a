"""The upload API and pages: shapes, scoping (own uploads only), reviewers refused."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from documents.models import Document
from imports.models import ImportBatch

from .conftest import csv_bytes, doc_rows, upload


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_post_answers_202_with_id_and_task_id_and_get_gives_status_progress_counts(officer_hn, django_capture_on_commit_callbacks):
    client = api(officer_hn)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", csv_bytes(doc_rows(25)))},
                               format="multipart")
    assert response.status_code == 202, response.content
    assert set(response.json()) == {"id", "task_id"}
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.task_id == response.json()["task_id"]
    body = client.get(f"/api/v1/imports/{batch.pk}/").json()
    assert body["status"] == "succeeded"
    assert body["progress"] == {"rows_done": 25, "rows_total": 25, "fraction": 1.0}
    assert body["counts"] == {"created": 25, "updated": 0, "unchanged": 0, "refused": 0}
    assert body["errors"] == [] and body["error_count"] == 0 and body["errors_csv"] is None
    assert Document.objects.count() == 25


def test_get_of_a_refused_file_lists_errors_and_links_the_full_csv(officer_hn):
    rows = doc_rows(5)
    rows[2][4] = "soon"
    batch = upload(officer_hn, csv_bytes(rows))
    client = api(officer_hn)
    body = client.get(f"/api/v1/imports/{batch.pk}/").json()
    assert body["status"] == "failed"
    assert body["errors"] == [{"line": 4, "column": "issued_on", "message": batch.errors[0]["message"]}]
    assert body["errors_truncated"] is False and body["errors_csv"].endswith(f"/api/v1/imports/{batch.pk}/errors.csv")
    response = client.get(f"/api/v1/imports/{batch.pk}/errors.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("4,issued_on,")


def test_reviewers_cannot_upload(reviewer):
    response = api(reviewer).post("/api/v1/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", csv_bytes(doc_rows(1)))},
                                  format="multipart")
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_reviewers_get_403_on_the_upload_page(reviewer, client):
    client.force_login(reviewer)
    assert client.get("/imports/").status_code == 403


def test_another_officer_cannot_see_your_upload(officer_hn, officer_hcm, client):
    batch = upload(officer_hn, csv_bytes(doc_rows(2)))
    other = api(officer_hcm)
    assert other.get(f"/api/v1/imports/{batch.pk}/").status_code == 404
    assert other.get(f"/api/v1/imports/{batch.pk}/errors.csv").status_code == 404
    # the error is readable JSON, even when the client asked for CSV (not the repr of DRF's error object)
    refused = other.get(f"/api/v1/imports/{batch.pk}/errors.csv", HTTP_ACCEPT="text/csv")
    assert refused.status_code == 404 and refused["Content-Type"].startswith("application/json")
    assert set(refused.json()) == {"detail"} and "ErrorDetail" not in refused.content.decode()
    assert other.get("/api/v1/imports/").json()["count"] == 0
    client.force_login(officer_hcm)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/imports/{batch.pk}/status/").status_code == 404
    assert api(officer_hn).get("/api/v1/imports/").json()["count"] == 1


def test_a_bad_kind_or_missing_file_is_a_400(officer_hn):
    client = api(officer_hn)
    assert client.post("/api/v1/imports/", {"kind": "nothing", "file": SimpleUploadedFile("r.csv", b"x")}, format="multipart").status_code == 400
    response = client.post("/api/v1/imports/", {"kind": "documents"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_an_oversized_file_is_a_400_on_the_api(officer_hn, settings):
    settings.IMPORTS_MAX_UPLOAD_BYTES = 100
    response = api(officer_hn).post("/api/v1/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", csv_bytes(doc_rows(5)))},
                                    format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_the_upload_page_accepts_a_file_and_shows_the_result(officer_hn, client, django_capture_on_commit_callbacks):
    client.force_login(officer_hn)
    assert client.get("/imports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"kind": "documents", "file": SimpleUploadedFile("r.csv", csv_bytes(doc_rows(7)))})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'id="count-created">7<' in page.content
    status = client.get(f"/imports/{batch.pk}/status/").json()
    assert status["status"] == "succeeded" and status["finished"] and status["counts"]["created"] == 7
    assert status["progress"]["fraction"] == 1.0


def test_a_pending_upload_reports_live_progress_from_the_cache(officer_hn, client):
    from django.core.cache import cache

    from imports import services

    batch = services.import_create(user=officer_hn, kind="documents", upload=SimpleUploadedFile("r.csv", csv_bytes(doc_rows(3))))
    cache.set(services.progress_key(batch.pk), {"rows_done": 40000, "rows_total": 100000}, 60)
    client.force_login(officer_hn)
    status = client.get(f"/imports/{batch.pk}/status/").json()
    assert status["status"] == "pending" and status["progress"] == {"rows_done": 40000, "rows_total": 100000, "fraction": 0.4}
    cache.delete(services.progress_key(batch.pk))


def test_administrators_see_uploads_in_the_admin(officer_hn, administrator, client):
    batch = upload(officer_hn, csv_bytes(doc_rows(2)))
    client.force_login(administrator)
    page = client.get("/admin/imports/importbatch/")
    assert page.status_code == 200 and batch.file_name.encode() in page.content
    assert client.get(f"/admin/imports/importbatch/{batch.pk}/change/").status_code == 200


def test_the_error_file_of_a_refused_upload_is_served_to_its_officer_and_a_404_to_another(officer_hn, officer_hcm, client):
    rows = doc_rows(3)
    rows[1][4] = "soon"
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and batch.errors_file
    client.force_login(officer_hn)
    response = client.get(f"/imports/{batch.pk}/errors.csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[1].startswith("3,issued_on,")
    client.force_login(officer_hcm)
    assert client.get(f"/imports/{batch.pk}/errors.csv").status_code == 404
