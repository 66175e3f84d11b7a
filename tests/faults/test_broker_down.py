"""Redis down (a real redis-server of the test's own, stopped): every request that queues work answers 503 with a
message within a few seconds, and the row it made is failed with the reason, never left pending."""
from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from imports.models import ImportBatch
from reform.queueing import QueueUnavailable
from reform.sweep import QueuedWork
from reports.models import ReportExport
from tests.factories import PASSWORD, choose_language
from tests.imports.conftest import csv_bytes, doc_rows

pytestmark = [pytest.mark.worker]

FEW_SECONDS = 10  # the publish retry policy gives up in about two; the rest is a busy machine's margin
YEAR = timezone.localdate().year


def api(user) -> APIClient:
    client = choose_language(APIClient(), "en")
    client.force_authenticate(user)
    return client


def web(user) -> Client:
    client = choose_language(Client(), "en")
    client.login(username=user.username, password=PASSWORD)
    return client


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_an_export_requested_through_the_api_answers_503_and_the_export_is_failed_not_pending(
        redis_down, tree, officer_hn):
    response, seconds = timed(lambda: api(officer_hn).post(
        "/api/v1/reports/", {"unit": "01", "period": f"{YEAR}-Q1", "format": "csv"}, format="json"))
    assert response.status_code == 503, response.content
    assert seconds < FEW_SECONDS
    assert "queue cannot be reached" in response.json()["detail"]
    export = ReportExport.objects.get()
    assert export.status == "failed" and export.finished_at is not None
    assert "could not be queued" in export.error
    listed = api(officer_hn).get(f"/api/v1/reports/{export.pk}/").json()
    assert listed["status"] == "failed"


def test_an_export_requested_on_the_page_answers_503_with_a_message(redis_down, tree, officer_hn):
    response, seconds = timed(lambda: web(officer_hn).post(
        "/reports/archive/", {"unit": tree["01"].pk, "period": f"{YEAR}-Q2", "format": "pdf"}))
    assert response.status_code == 503
    assert seconds < FEW_SECONDS
    assert "queue cannot be reached" in response.content.decode()
    assert list(ReportExport.objects.values_list("status", flat=True)) == ["failed"]


def test_the_compute_api_answers_503_with_a_message(redis_down, tree, reviewer):
    response, seconds = timed(lambda: api(reviewer).post("/api/v1/compliance/compute/", {"year": YEAR}, format="json"))
    assert response.status_code == 503, response.content
    assert seconds < FEW_SECONDS
    assert "queue cannot be reached" in response.json()["detail"]


def test_an_upload_through_the_api_answers_503_and_the_upload_is_failed_with_the_reason(redis_down, tree, officer_hn,
                                                                                       fault_media):
    upload = SimpleUploadedFile("docs.csv", csv_bytes(doc_rows(3)), content_type="text/csv")
    response, seconds = timed(lambda: api(officer_hn).post("/api/v1/imports/", {"kind": "documents", "file": upload},
                                                           format="multipart"))
    assert response.status_code == 503, response.content
    assert seconds < FEW_SECONDS
    assert "queue cannot be reached" in response.json()["detail"]
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "could not be queued" in batch.message


def test_an_upload_on_the_page_answers_503_with_a_message(redis_down, tree, officer_hn, fault_media):
    upload = SimpleUploadedFile("docs.csv", csv_bytes(doc_rows(3)), content_type="text/csv")
    response = web(officer_hn).post("/imports/", {"kind": "documents", "file": upload})
    assert response.status_code == 503
    body = response.content.decode()
    assert "queue cannot be reached" in body
    assert ImportBatch.objects.get().status == "failed"


def test_the_admin_recompute_button_says_the_queue_is_down_instead_of_a_500(redis_down, administrator):
    client = choose_language(Client(), "en")
    client.force_login(administrator)
    response = client.post("/admin/reporting/computerun/recompute/", {"year": YEAR}, follow=True)
    assert response.status_code == 200
    assert "The recompute was not queued" in response.content.decode()


def test_a_requeue_by_the_sweep_that_cannot_reach_the_queue_fails_the_row_with_that_reason(
        redis_down, tree, officer_hn, settings):
    from reports.tasks import export_generate

    export = ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="csv", task_id="old-id",
                                         requested_by=officer_hn, language="en")
    later = timezone.now() + timezone.timedelta(seconds=settings.STUCK_PENDING_AFTER_SECONDS + 1)
    work = QueuedWork(label="export", model=ReportExport, task=export_generate, pending="pending", running="running",
                      failed="failed", reason_field="error")
    assert work.sweep(now=later) == {"requeued": [], "failed": [export.pk]}
    export.refresh_from_db()
    assert export.status == "failed" and "queue could not be reached" in export.error
    assert export.requeued == 1


def test_publishing_raises_queue_unavailable_not_kombus_error(redis_down):
    from reform.queueing import task_publish
    from reform.tasks import stuck_sweep

    started = time.monotonic()
    with pytest.raises(QueueUnavailable):
        task_publish(stuck_sweep)
    assert time.monotonic() - started < FEW_SECONDS
