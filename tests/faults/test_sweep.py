"""The sweep of stuck work, with its timing forced by `now=` (never a sleep): pending rows no worker took are queued
again under a new task id (bounded), then failed; running rows past their time limit are failed with the reason;
running it twice, or twice at once, changes each row once. Publishing goes to a Redis of the test's own."""
from __future__ import annotations

import datetime
import json
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from imports import services as import_services
from imports.models import ImportBatch
from imports.tasks import import_run
from reform.sweep import pending_after, running_after
from reform.tasks import stuck_sweep, stuck_sweep_run
from reporting.models import ComputeRun
from reporting.runs import last_failure
from reports.models import ReportExport
from reports.tasks import export_generate
from tests.imports.conftest import csv_bytes, doc_rows

YEAR = timezone.localdate().year


def queued_ids(private_redis) -> list[str]:
    """The task ids of the messages waiting in the private Redis's default queue."""
    import redis

    client = redis.Redis.from_url(private_redis.url)
    try:
        return [json.loads(raw)["headers"]["id"] for raw in client.lrange("celery", 0, -1)]
    finally:
        client.close()


def new_upload(user) -> ImportBatch:
    # Inside the test's transaction the upload's on-commit publish never runs: a pending row whose message was lost.
    return import_services.import_create(user=user, kind="documents", language="en",
                                         upload=SimpleUploadedFile("docs.csv", csv_bytes(doc_rows(2))))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
def test_a_pending_upload_no_worker_took_is_queued_again_under_a_new_id_once_per_wait(
        private_broker, media, tree, officer_hn):
    batch = new_upload(officer_hn)
    old_id = batch.task_id
    just_before = batch.created_at + pending_after() - datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=just_before)["uploads"] == {"requeued": [], "failed": []}

    later = batch.created_at + pending_after() + datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=later)["uploads"] == {"requeued": [batch.pk], "failed": []}
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.requeued == 1 and batch.queued_at == later
    assert batch.task_id != old_id
    assert queued_ids(private_broker) == [batch.task_id]
    # Run again at the same moment: the wait starts again from the requeue, nothing more is done.
    assert stuck_sweep_run(now=later)["uploads"] == {"requeued": [], "failed": []}
    assert queued_ids(private_broker) == [batch.task_id]


@pytest.mark.django_db
def test_an_upload_queued_again_the_most_times_allowed_is_failed_saying_no_worker_took_it(
        private_broker, media, tree, officer_hn, settings):
    settings.STUCK_MAX_REQUEUES = 2
    batch = new_upload(officer_hn)
    moment = batch.created_at
    for expected in (1, 2):
        moment += pending_after() + datetime.timedelta(seconds=1)
        assert stuck_sweep_run(now=moment)["uploads"]["requeued"] == [batch.pk]
        batch.refresh_from_db()
        assert batch.requeued == expected
    moment += pending_after() + datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=moment)["uploads"] == {"requeued": [], "failed": [batch.pk]}
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.finished_at == moment
    assert "No worker took it" in batch.message and "2 times" in batch.message
    assert stuck_sweep_run(now=moment + pending_after() * 2)["uploads"] == {"requeued": [], "failed": []}


@pytest.mark.django_db
def test_a_running_export_past_its_time_limit_is_failed_as_lost_and_its_task_says_failure(
        private_broker, tree, officer_hn, reviewer):
    started = timezone.now() - datetime.timedelta(minutes=5)
    export = ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="pdf", status="running",
                                         started_at=started, task_id="export-task-lost", requested_by=officer_hn,
                                         language="en")
    fresh = ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q2", format="pdf", status="running",
                                        started_at=timezone.now(), task_id="export-task-alive", requested_by=officer_hn)
    limit = running_after(export_generate.time_limit)
    assert limit == datetime.timedelta(seconds=export_generate.time_limit + settings.STUCK_RUNNING_MARGIN_SECONDS)
    assert stuck_sweep_run(now=started + limit - datetime.timedelta(seconds=1))["exports"]["failed"] == []

    later = started + limit + datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=later)["exports"] == {"requeued": [], "failed": [export.pk]}
    export.refresh_from_db()
    fresh.refresh_from_db()
    assert export.status == "failed" and "worker running it was lost" in export.error
    assert fresh.status == "running"
    client = APIClient()
    client.force_authenticate(reviewer)
    task = client.get("/api/v1/tasks/export-task-lost/").json()
    assert task["state"] == "FAILURE" and "worker running it was lost" in task["error"]
    assert stuck_sweep_run(now=later)["exports"] == {"requeued": [], "failed": []}


@pytest.mark.django_db
def test_a_running_upload_past_its_time_limit_is_failed_as_lost(private_broker, media, tree, officer_hn):
    batch = new_upload(officer_hn)
    started = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", started_at=started)
    later = started + running_after(import_run.time_limit) + datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=later)["uploads"] == {"requeued": [], "failed": [batch.pk]}
    batch.refresh_from_db()
    assert batch.status == "failed" and "worker running it was lost" in batch.message


@pytest.mark.django_db
def test_a_compute_run_still_running_past_the_time_limit_is_failed_and_shown_as_the_last_failure(
        private_broker, tree, reviewer):
    started = timezone.now()
    run = ComputeRun.objects.create(year=YEAR, trigger="api", state="running", started_at=started,
                                    task_id="compute-task-lost")
    later = started + running_after(settings.CELERY_TASK_TIME_LIMIT) + datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=started + datetime.timedelta(minutes=1))["compute_runs"]["failed"] == []
    assert stuck_sweep_run(now=later)["compute_runs"] == {"requeued": [], "failed": [run.pk]}
    run.refresh_from_db()
    assert run.state == "failed" and run.finished_at == later and "worker running it was lost" in run.error
    assert last_failure(year=YEAR).run == run
    client = APIClient()
    client.force_authenticate(reviewer)
    assert client.get("/api/v1/tasks/compute-task-lost/").json()["state"] == "FAILURE"
    assert stuck_sweep_run(now=later)["compute_runs"]["failed"] == []


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_queue_a_stuck_upload_again_once(reseed_after_flush, private_broker, media, tree,
                                                            officer_hn):
    from django.db import connection

    batch = new_upload(officer_hn)  # committed (transactional test): its publish went to the private Redis
    queued_ids(private_broker)  # (the upload's own message)
    later = batch.created_at + pending_after() + datetime.timedelta(seconds=1)
    barrier = threading.Barrier(3)
    outcomes, errors = [], []

    def sweep():
        try:
            barrier.wait(timeout=30)
            outcomes.append(stuck_sweep_run(now=later)["uploads"])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(len(outcome["requeued"]) for outcome in outcomes) == [0, 0, 1]
    batch.refresh_from_db()
    assert batch.requeued == 1
    assert queued_ids(private_broker).count(batch.task_id) == 1


@pytest.mark.django_db
def test_the_sweep_is_a_registered_task_that_beat_runs_every_few_minutes():
    from reform.celery import app

    schedule = PeriodicTask.objects.get(task="reform.tasks.stuck_sweep")
    assert schedule.enabled and schedule.interval.period == "minutes" and schedule.interval.every <= 10
    assert app.tasks["reform.tasks.stuck_sweep"].name == stuck_sweep.name == schedule.task


@pytest.mark.django_db
def test_an_export_running_from_before_it_had_a_start_time_counts_from_its_creation(private_broker, tree):
    export = ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q3", format="csv", status="running",
                                         language="en")
    assert export.started_at is None
    later = export.created_at + running_after(export_generate.time_limit) + datetime.timedelta(seconds=1)
    assert stuck_sweep_run(now=later)["exports"] == {"requeued": [], "failed": [export.pk]}
