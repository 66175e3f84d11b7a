"""A task whose runs keep getting their worker killed is not delivered for ever: past CELERY_TASK_MAX_DELIVERIES
it fails for good, says why, and marks its subject failed. The lost deliveries are forced by counting them the
way the worker does (a delivery of the same task id and attempt), since a worker killed for memory cannot be."""
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services as import_services
from imports.models import ImportBatch
from imports.tasks import import_run
from reform.celery import DeliveredTooOften, delivery_count, delivery_key
from reports.models import ReportExport
from reports.tasks import export_generate
from tests.imports.conftest import csv_bytes, doc_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _lost(task_id: str, times: int) -> None:
    for _ in range(times):
        delivery_count(task_id, 0)


def test_an_upload_delivered_more_than_the_limit_fails_for_good_and_says_why(officer_hn, tree, settings):
    settings.CELERY_TASK_MAX_DELIVERIES = 3
    batch = import_services.import_create(user=officer_hn, kind="documents",
                                          upload=SimpleUploadedFile("a.csv", csv_bytes(doc_rows(3))))
    task_id = "lost-upload-1"
    cache.delete(delivery_key(task_id, 0))
    _lost(task_id, 3)  # three deliveries whose worker died
    result = import_run.apply(args=[batch.pk], task_id=task_id)
    assert result.state == "FAILURE" and isinstance(result.result, DeliveredTooOften)
    assert "Delivered 4 times" in str(result.result)
    batch.refresh_from_db()
    assert batch.status == "failed" and "given up" in batch.message


def test_a_delivery_within_the_limit_runs_and_a_retry_is_a_new_attempt(officer_hn, tree, settings):
    settings.CELERY_TASK_MAX_DELIVERIES = 3
    batch = import_services.import_create(user=officer_hn, kind="documents",
                                          upload=SimpleUploadedFile("a.csv", csv_bytes(doc_rows(3))))
    task_id = "lost-upload-2"
    cache.delete(delivery_key(task_id, 0))
    _lost(task_id, 2)
    assert import_run.apply(args=[batch.pk], task_id=task_id).state == "SUCCESS"
    batch.refresh_from_db()
    assert batch.status == "succeeded"
    cache.delete(delivery_key(task_id, 1))
    assert delivery_count(task_id, 1) == 1  # the retry's attempt counts from one


def test_an_export_delivered_too_often_is_marked_failed(officer_hn, tree, settings):
    settings.CELERY_TASK_MAX_DELIVERIES = 1
    export = ReportExport.objects.create(unit=tree["01"], year=2025, period="Q1", format="csv", requested_by=officer_hn)
    task_id = "lost-export-1"
    cache.delete(delivery_key(task_id, 0))
    _lost(task_id, 1)
    assert export_generate.apply(args=[export.pk], task_id=task_id).state == "FAILURE"
    export.refresh_from_db()
    assert export.status == "failed" and "Delivered 2 times" in export.error
