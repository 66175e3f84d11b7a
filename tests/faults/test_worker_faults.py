"""A real worker of the test's own, on a Redis of the test's own, killed with SIGKILL mid-upload or with its database
connection cut (pg_terminate_backend): nothing is lost and nothing stays stuck."""
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_celery_results.models import TaskResult
from rest_framework.test import APIClient

from documents.models import Document
from imports.models import ImportBatch
from imports.tasks import import_run
from reform.sweep import pending_after, running_after
from reform.tasks import stuck_sweep_run
from tests.factories import choose_language
from tests.imports.conftest import csv_bytes, doc_rows

from .conftest import wait_for

pytestmark = [pytest.mark.worker]

LARGE = 40_000  # rows: an upload that runs for a few seconds at least, even on a fast machine
FINISH_TIMEOUT = 180  # generous: a 2-core machine shared with other test runs


def post_upload(client: APIClient, rows: list, name: str) -> ImportBatch:
    upload = SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")
    response = client.post("/api/v1/imports/", {"kind": "documents", "file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    return ImportBatch.objects.get(pk=response.json()["id"])


def status_of(batch: ImportBatch) -> str:
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch.pk)


def finished(batch: ImportBatch, *, worker) -> ImportBatch:
    try:
        wait_for(lambda: status_of(batch) in ("succeeded", "failed"), timeout=FINISH_TIMEOUT, every=0.2,
                 what=f"upload {batch.pk} finished")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{worker.log()[-4000:]}") from None
    batch.refresh_from_db()
    return batch


@pytest.fixture
def officer_api(officer_hn) -> APIClient:
    client = choose_language(APIClient(), "en")
    client.force_authenticate(officer_hn)
    return client


def test_an_upload_whose_worker_is_killed_is_failed_by_the_sweep_and_one_queued_again_completes(
        fault_worker, tree, officer_api):
    fault_worker.start()
    large = post_upload(officer_api, doc_rows(LARGE, start=1), "large.csv")
    small = post_upload(officer_api, doc_rows(3, start=900_001), "small.csv")
    old_small_id = small.task_id
    wait_for(lambda: status_of(large) == "running", timeout=FINISH_TIMEOUT, every=0.05, what="the large upload running")
    fault_worker.kill()  # kill -9 of the whole worker, mid-upload

    large.refresh_from_db()
    small.refresh_from_db()
    assert (large.status, small.status) == ("running", "pending")  # stuck: no worker will ever finish them

    # The sweep, its timing forced: the large upload is past its time limit, the small one past its wait.
    now = max(large.started_at + running_after(import_run.time_limit),
              small.created_at + pending_after()) + datetime.timedelta(seconds=1)
    done = stuck_sweep_run(now=now)["uploads"]
    assert done == {"requeued": [small.pk], "failed": [large.pk]}
    large.refresh_from_db()
    assert large.status == "failed" and "worker running it was lost" in large.message
    assert not Document.objects.filter(number__in=["1/QĐ-UBND", f"{LARGE}/QĐ-UBND"]).exists()  # all or nothing
    small.refresh_from_db()
    assert small.requeued == 1 and small.task_id != old_small_id
    assert stuck_sweep_run(now=now) == {"uploads": {"requeued": [], "failed": []},
                                        "exports": {"requeued": [], "failed": []},
                                        "compute_runs": {"requeued": [], "failed": []}}

    fault_worker.start()  # a restarted worker takes the upload queued again, and completes it
    small = finished(small, worker=fault_worker)
    assert small.status == "succeeded" and small.created == 3, small.message
    assert Document.objects.filter(number="900001/QĐ-UBND").count() == 1
    # The message the requeue replaced was delivered too, and did nothing.
    stale = wait_for(lambda: TaskResult.objects.filter(task_id=old_small_id, status="SUCCESS").first(),
                     timeout=60, every=0.2, what="the replaced message delivered")
    assert "skipped" in stale.result
    large.refresh_from_db()
    assert large.status == "failed"
    body = officer_api.get(f"/api/v1/imports/{large.pk}/").json()
    assert body["status"] == "failed" and "worker running it was lost" in body["message"]


def terminate(pids: list[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_after_the_workers_database_connection_is_cut_the_next_uploads_succeed_first_time(
        fault_worker, tree, officer_api):
    fault_worker.start()
    first = finished(post_upload(officer_api, doc_rows(2, start=1), "first.csv"), worker=fault_worker)
    assert first.status == "succeeded"
    kept = wait_for(fault_worker.backend_pids, timeout=30, what="the worker's kept connection")
    terminate(kept)
    wait_for(lambda: not set(kept) & set(fault_worker.backend_pids()), timeout=30, what="the connection cut")

    for start in (101, 201, 301):  # the probe saw the next five stay pending for good
        batch = finished(post_upload(officer_api, doc_rows(2, start=start), f"after-{start}.csv"), worker=fault_worker)
        assert batch.status == "succeeded" and batch.created == 2, batch.message
    log = fault_worker.log()
    # Checked before use (CONN_HEALTH_CHECKS, close_old_connections): no task even needed its retry.
    assert "lost its database connection" not in log and "Retry in" not in log, log[-4000:]
    assert set(fault_worker.backend_pids()) - set(kept)


def test_an_upload_whose_database_connection_is_cut_mid_run_is_retried_and_completes(fault_worker, tree,
                                                                                      officer_api):
    fault_worker.start()
    batch = post_upload(officer_api, doc_rows(LARGE, start=1), "large.csv")
    wait_for(lambda: status_of(batch) == "running", timeout=FINISH_TIMEOUT, every=0.05, what="the upload running")
    pids = wait_for(fault_worker.backend_pids, timeout=30, what="the worker's connection")
    terminate(pids)  # mid-upload: its transaction is gone

    batch = finished(batch, worker=fault_worker)
    assert batch.status == "succeeded", (batch.message, fault_worker.log()[-4000:])
    assert batch.created == LARGE
    assert Document.objects.filter(unit=tree["01"]).count() == LARGE  # written once, all of it
    log = fault_worker.log()
    assert "lost its database connection" in log and "Retry in" in log, log[-4000:]
