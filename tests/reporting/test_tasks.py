"""Celery tasks of the compliance engine: coalesced recomputes, Redis down, idempotency, schedules."""
from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from documents.models import Document
from reform import services
from reform.schedules import SCHEDULES
from reporting import recompute, tasks
from reform.models import Unit
from reporting.models import ComplianceResult, ComplianceRollup, ComputeRun, RecomputeRequest
from reporting.selectors import Subtrees
from reporting.tasks import compliance_compute_task, compliance_nightly, recompute_pending
from tests.factories import DocumentFactory
from tests.reporting.conftest import set_celery_conf

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


def _document_data(unit, n: int, year: int = 2025) -> dict:
    return {"unit": unit, "number": f"{n}/QĐ-UBND", "doc_type_id": "QĐ", "title": f"Quyết định {n}",
            "issued_on": datetime.date(year, 3, 1 + n % 28)}


def _queued_tasks(redis_client) -> list[str]:
    """The tasks waiting in both queues: the coalesced recompute's own ("compliance"), then the default one."""
    return [json.loads(raw)["headers"]["task"] for queue in ("compliance", "celery")
            for raw in redis_client.lrange(queue, 0, -1)]


@pytest.fixture
def broker_down(not_eager, settings):
    """The broker and the cache (both Redis) point at a closed port for the test's duration."""
    app = not_eager

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    previous = set_celery_conf(app, broker_url=CLOSED_PORT_URL)
    assert app.conf.broker_url == CLOSED_PORT_URL
    reset_pools()
    # Through the `settings` fixture, so it is undone in the right order with the test's own setting changes.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": CLOSED_PORT_URL}}
    try:
        yield app
    finally:
        set_celery_conf(app, **previous)
        reset_pools()


# --- coalescing -------------------------------------------------------------------------------------------


def test_a_burst_of_1000_saves_in_one_transaction_makes_one_mark_per_unit_year_and_queues_one_task(
    tree, administrator, not_eager, clean_queue, django_capture_on_commit_callbacks, settings,
):
    settings.REPORTING_WINDOWS = "calendar"
    this_year = timezone.localdate().year
    units = [tree["00070"], tree["26734"]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for n in range(1, 1001):
                services.record_create(model=Document, user=administrator,
                                       data=_document_data(units[n % 2], n, year=this_year - 1))
    assert len(callbacks) == 1000  # every save announced its change on commit...
    assert Document.objects.count() == 1000
    marks = set(RecomputeRequest.objects.values_list("unit__code", "year"))
    # ...but each unit-year is marked once: its own year and the next one, whose baseline it is.
    assert marks == {(u.code, y) for u in units for y in (this_year - 1, this_year)}
    assert RecomputeRequest.objects.count() == 4
    assert _queued_tasks(clean_queue) == ["reporting.tasks.recompute_pending"]


def test_a_second_burst_while_a_run_is_queued_queues_nothing_more(
    tree, administrator, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            services.record_create(model=Document, user=administrator, data=_document_data(tree["00070"], n))
    assert len(_queued_tasks(clean_queue)) == 1
    # Once the run starts it clears the flag, so changes made from then on queue a new run.
    tasks.clear_queued_flag()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_create(model=Document, user=administrator, data=_document_data(tree["00070"], 3))
    assert len(_queued_tasks(clean_queue)) == 2


def test_with_redis_down_saving_a_record_still_works_and_the_mark_waits_for_the_sweep(
    tree, administrator, broker_down, django_capture_on_commit_callbacks, settings,
):
    settings.REPORTING_WINDOWS = "calendar"
    with django_capture_on_commit_callbacks(execute=True):
        document = services.record_create(model=Document, user=administrator,
                                          data=_document_data(tree["00070"], 7, year=2025))
    assert Document.objects.filter(pk=document.pk).exists()
    assert RecomputeRequest.objects.filter(unit=tree["00070"], year=2025).exists()
    assert not ComplianceResult.objects.filter(unit=tree["00070"], year=2025).exists()


def test_the_sweep_recomputes_marks_left_while_redis_was_down(tree, administrator, broker_down,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.record_create(model=Document, user=administrator, data=_document_data(tree["00070"], 7, year=2025))
    assert RecomputeRequest.objects.filter(unit=tree["00070"], year=2025).exists()
    # Redis is back; the periodic sweep runs the task (here in-process).
    outcome = recompute_pending.apply().get()
    assert outcome["marks"] >= 1
    assert not RecomputeRequest.objects.exists()
    result = ComplianceResult.objects.get(unit=tree["00070"], year=2025, period="Y", target="DOC_REDUCTION")
    assert result.numerator == 1
    # The ancestors' roll-ups were refreshed too.
    assert ComplianceRollup.objects.filter(unit=tree["01"], year=2025, period="Y", target="DOC_REDUCTION").exists()


def test_in_process_mode_recomputes_the_changed_unit_right_after_the_save(
    tree, administrator, django_capture_on_commit_callbacks,
):
    DocumentFactory(unit=tree["00070"], number="1/QĐ-UBND", issued_on=datetime.date(2024, 2, 1))
    DocumentFactory(unit=tree["00070"], number="2/QĐ-UBND", issued_on=datetime.date(2024, 2, 2))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_create(model=Document, user=administrator, data=_document_data(tree["00070"], 3, year=2025))
    result = ComplianceResult.objects.get(unit=tree["00070"], year=2025, period="Y", target="DOC_REDUCTION")
    assert (result.status, result.value, result.numerator, result.baseline) == ("met", Decimal("0.5000"), 1, 2)
    assert not RecomputeRequest.objects.exists()


def test_in_process_mode_recomputes_once_at_the_end_of_a_request_that_saved_many_records(
    tree, administrator, django_capture_on_commit_callbacks,
):
    tasks.request_started()
    try:
        for n in range(1, 4):
            with django_capture_on_commit_callbacks(execute=True):
                services.record_create(model=Document, user=administrator,
                                       data=_document_data(tree["00070"], n, year=2025))
        assert RecomputeRequest.objects.filter(unit=tree["00070"], year=2025).exists()
        assert not ComplianceResult.objects.filter(unit=tree["00070"], year=2025).exists()
    finally:
        tasks.request_finished()
    result = ComplianceResult.objects.get(unit=tree["00070"], year=2025, period="Y", target="DOC_REDUCTION")
    assert result.numerator == 3
    assert not RecomputeRequest.objects.exists()


# --- recompute_pending ------------------------------------------------------------------------------------


def test_a_mark_touched_again_during_a_run_survives_it(tree):
    recompute.recompute_mark(unit_ids=[tree["00070"].pk], years=[2025])
    seen = list(RecomputeRequest.objects.filter(year=2025).values_list("pk", "requested_at"))
    recompute.recompute_mark(unit_ids=[tree["00070"].pk], years=[2025])  # a new change while computing
    assert recompute._delete_seen(seen) == 0
    assert RecomputeRequest.objects.filter(unit=tree["00070"], year=2025).count() == 1
    fresh = list(RecomputeRequest.objects.filter(year=2025).values_list("pk", "requested_at"))
    assert recompute._delete_seen(fresh) == 1


def test_units_under_a_marked_unit_are_covered_by_its_subtree(tree):
    plan = recompute._results_plan(2025, {tree["01"].pk, tree["00070"].pk, tree["26734"].pk})
    assert not plan.full
    assert sorted(plan.unit_ids) == sorted([tree["01"].pk, tree["26734"].pk])


def test_the_results_of_many_subtrees_are_one_pass_and_their_signals_collapse_into_provinces(tree, settings):
    marked = {tree["00070"].pk, tree["00004"].pk, tree["26734"].pk}
    marks = [(n, pk, 2025, timezone.now(), Unit.objects.get(pk=pk).path) for n, pk in enumerate(sorted(marked))]
    [(scope, answered)] = recompute._scopes(2025, marks, together=True)
    assert isinstance(scope, Subtrees) and sorted(r.code for r in scope.roots) == ["00004", "00070", "26734"]
    assert answered == marks
    settings.COMPLIANCE_SIGNALS_PROVINCE_COLLAPSE = 2
    assert sorted(recompute._signals_plan(2025, marked).unit_ids) == sorted([tree["01"].pk, tree["26734"].pk])
    by_scope = {unit.code: [mark[1] for mark in answered] for unit, answered in recompute._scopes(2025, marks,
                                                                                                    together=False)}
    assert by_scope == {"01": sorted([tree["00070"].pk, tree["00004"].pk]), "26734": [tree["26734"].pk]}


def test_the_root_or_too_many_scopes_recompute_the_whole_year(tree, settings):
    assert recompute._results_plan(2025, {tree["TW"].pk, tree["00070"].pk}).full
    assert not recompute._results_plan(2025, {tree["00070"].pk, tree["26734"].pk}).full
    settings.COMPLIANCE_RECOMPUTE_FULL_YEAR_ABOVE = 1
    assert recompute._results_plan(2025, {tree["00070"].pk, tree["26734"].pk}).full
    settings.COMPLIANCE_SIGNALS_FULL_YEAR_ABOVE = 1
    assert recompute._signals_plan(2025, {tree["00070"].pk, tree["26734"].pk}).full


def test_a_run_over_marks_in_two_provinces_is_one_pass_recorded_with_its_subtrees(tree, settings):
    settings.REPORTING_WINDOWS = "calendar"
    recompute.recompute_mark(unit_ids=[tree["00070"].pk, tree["26734"].pk], years=[2025])
    summary = recompute.recompute_pending_run()
    assert {"year": 2025, "units": ["00070", "26734"]} in summary["scopes"]
    run = ComputeRun.objects.get(year=2025)
    assert run.unit is None and run.subtrees == [tree["00070"].path, tree["26734"].path]
    assert run.scope_paths == run.subtrees and run.scope_codes == "00070, 26734"
    assert ComplianceResult.objects.filter(year=2025, unit__code__in=["00070", "26734"]).count() == 2 * 12 * 5
    assert not ComplianceResult.objects.filter(year=2025, unit__code="00004").exists()  # outside the subtrees


def test_a_failure_is_answered_by_a_later_pass_only_if_its_subtrees_cover_it(tree):
    from reporting.runs import last_failure

    now = timezone.now()

    def run(state, *, unit=None, subtrees=(), minutes=0):
        return ComputeRun.objects.create(year=2025, unit=unit, subtrees=list(subtrees), trigger="records",
                                         state=state, started_at=now + datetime.timedelta(minutes=minutes),
                                         finished_at=now + datetime.timedelta(minutes=minutes))

    failed = run("failed", unit=tree["00070"])
    run("succeeded", subtrees=[tree["00004"].path, tree["26734"].path], minutes=1)
    assert last_failure(year=2025).run == failed  # another commune's pass does not answer it
    run("succeeded", subtrees=[tree["01"].path, tree["26734"].path], minutes=2)
    assert last_failure(year=2025) is None  # its province's subtree was recomputed
    several = run("failed", subtrees=[tree["00070"].path, tree["26734"].path], minutes=3)
    run("succeeded", unit=tree["00070"], minutes=4)
    assert last_failure(year=2025).run == several  # half of it answered is not answered
    run("succeeded", minutes=5)
    assert last_failure(year=2025) is None  # the country


def test_a_change_marks_its_year_and_the_next_but_never_a_year_not_started(settings):
    settings.REPORTING_WINDOWS = "calendar"
    this_year = timezone.localdate().year
    assert recompute.affected_years({this_year - 2}) == {this_year - 2, this_year - 1}
    assert recompute.affected_years({this_year}) == {this_year}


def test_under_decree09_windows_a_late_december_change_can_reach_two_years_on(settings):
    settings.REPORTING_WINDOWS = "decree09"
    this_year = timezone.localdate().year
    assert recompute.affected_years({this_year - 3}) == {this_year - 3, this_year - 2, this_year - 1}


def test_marks_a_run_leaves_behind_get_a_new_run_instead_of_waiting_for_the_sweep(tree, not_eager, clean_queue):
    """A change committed after a run's last round, whose own run was turned away by the lock meanwhile (or
    more rounds than the run may do) used to wait up to five minutes for the periodic sweep."""
    recompute.recompute_mark(unit_ids=[tree["00070"].pk], years=[2025])
    summary = recompute.recompute_pending_run(max_rounds=0)  # the rounds ran out with a mark left
    assert summary["requeued"] == "queued"
    assert _queued_tasks(clean_queue) == ["reporting.tasks.recompute_pending"]
    clean_queue.delete("celery", "compliance")
    tasks.clear_queued_flag()
    summary = recompute.recompute_pending_run()
    assert summary["rounds"] == 1 and "requeued" not in summary
    # What it queues is the signals of the scope it answered, never itself again.
    assert _queued_tasks(clean_queue) == ["reporting.tasks.signals_pending"]


def test_recompute_pending_with_nothing_marked_does_nothing(db):
    assert recompute_pending.apply().get() == {"rounds": 0, "marks": 0, "scopes": [], "failed": [],
                                               "skipped": False}


def test_a_mark_that_cannot_be_computed_never_blocks_the_others_and_is_dropped_after_its_attempts(tree, settings):
    """A year-1 document once left a durable mark for year 1 (and 2); every run then raised on it before it
    handled the other marks, so every unit's dashboard stopped updating for good."""
    from reporting.choices import RunState
    from reporting.models import ComputeRun

    settings.COMPLIANCE_MARK_MAX_ATTEMPTS = 2
    now = timezone.now()
    RecomputeRequest.objects.create(unit=tree["00070"], year=1, requested_at=now)  # left from before the fix
    DocumentFactory(unit=tree["26734"], number="1/QĐ-UBND", issued_on=datetime.date(2025, 5, 1))
    recompute.recompute_mark(unit_ids=[tree["26734"].pk], years=[2025])
    RecomputeRequest.objects.filter(year=2026).delete()  # this test is about 2025 and year 1

    summary = recompute.recompute_pending_run()
    assert {"year": 2025, "unit": "26734"} in summary["scopes"]
    assert ComplianceResult.objects.filter(unit=tree["26734"], year=2025, target_id="DOC_DIGITIZATION",
                                           period="Y").get().denominator == 1
    assert [(f["year"], f["dropped"]) for f in summary["failed"]] == [(1, 0)]
    mark = RecomputeRequest.objects.get(year=1)
    assert mark.attempts == 1 and "earliest record date" in mark.last_error
    assert ComputeRun.objects.filter(year=1, state=RunState.FAILED).count() == 1  # seen by administrators
    assert not RecomputeRequest.objects.filter(year=2025).exists()

    summary = recompute.recompute_pending_run()  # the second attempt fails too: dropped
    assert [(f["year"], f["dropped"]) for f in summary["failed"]] == [(1, 1)]
    assert not RecomputeRequest.objects.exists()
    assert ComputeRun.objects.filter(year=1, state=RunState.FAILED).count() == 2


def test_a_record_change_never_marks_a_year_before_the_earliest_record_date(settings):
    import datetime as dt

    settings.EARLIEST_RECORD_DATE = dt.date(2010, 1, 1)
    assert recompute.affected_years({2009}) == {2010}
    assert recompute.affected_years({1}) == set()


def test_the_admin_lists_waiting_marks_with_their_failed_attempts(tree, administrator, client):
    RecomputeRequest.objects.create(unit=tree["00070"], year=2025, requested_at=timezone.now(), attempts=2,
                                    last_error="ValueError: boom")
    client.force_login(administrator)
    page = client.get("/admin/reporting/recomputerequest/").content.decode()
    assert "ValueError: boom" in page and "00070" in page


# --- the compute task -------------------------------------------------------------------------------------


def test_compute_task_is_idempotent(tree):
    DocumentFactory(unit=tree["00070"], number="1/QĐ-UBND", issued_on=datetime.date(2024, 2, 1))
    DocumentFactory(unit=tree["00070"], number="2/QĐ-UBND", issued_on=datetime.date(2025, 2, 1))
    first = compliance_compute_task.apply(kwargs={"year": 2025}).get()
    rows_first = sorted(ComplianceResult.objects.filter(year=2025).values_list(
        "unit_id", "period", "target_id", "status", "value", "numerator", "denominator", "baseline"))
    second = compliance_compute_task.apply(kwargs={"year": 2025}).get()
    rows_second = sorted(ComplianceResult.objects.filter(year=2025).values_list(
        "unit_id", "period", "target_id", "status", "value", "numerator", "denominator", "baseline"))
    assert rows_first == rows_second
    assert first["results"] == second["results"] == len(rows_second) > 0
    assert first["units"] == len(tree)


def test_compute_task_for_a_unit_returns_its_code_and_touches_only_its_subtree(tree):
    compliance_compute_task.apply(kwargs={"year": 2025}).get()
    before = dict(ComplianceResult.objects.filter(unit=tree["26734"], year=2025).values_list("id", "computed_at"))
    summary = compliance_compute_task.apply(kwargs={"year": 2025, "unit_id": tree["01"].pk}).get()
    assert summary["unit"] == "01"
    assert summary["units"] == 4  # 01, its two communes and its agency
    after = dict(ComplianceResult.objects.filter(unit=tree["26734"], year=2025).values_list("id", "computed_at"))
    assert before == after


def test_tasks_ack_late_retry_on_a_lost_database_and_stop_before_the_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for task in (compliance_compute_task, recompute_pending, compliance_nightly):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.soft_time_limit < task.time_limit < visibility
        assert OperationalError in task.autoretry_for
        assert task.retry_backoff and task.retry_jitter and task.max_retries


def test_nightly_recompute_computes_the_year_and_answers_older_marks(tree):
    recompute.recompute_mark(unit_ids=[tree["00070"].pk], years=[2025])
    RecomputeRequest.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=1))
    outcome = compliance_nightly.apply(kwargs={"year": 2025}).get()
    assert outcome["years"] == [2025]
    assert ComplianceResult.objects.filter(year=2025, unit=tree["26740"]).exists()
    assert not RecomputeRequest.objects.filter(year=2025).exists()


# --- schedules --------------------------------------------------------------------------------------------


def test_migrate_installed_every_declared_schedule(db):
    names = {entry["name"] for entry in SCHEDULES}
    assert set(PeriodicTask.objects.filter(name__in=names).values_list("name", flat=True)) == names


def test_sync_schedules_twice_creates_no_duplicates(db):
    call_command("sync_schedules")
    counts = (PeriodicTask.objects.count(), CrontabSchedule.objects.count(), IntervalSchedule.objects.count())
    call_command("sync_schedules")
    assert (PeriodicTask.objects.count(), CrontabSchedule.objects.count(), IntervalSchedule.objects.count()) == counts
    for entry in SCHEDULES:
        assert PeriodicTask.objects.filter(name=entry["name"]).count() == 1


def test_sync_schedules_keeps_the_timing_and_switch_an_administrator_set_but_restores_the_task(db):
    nightly = PeriodicTask.objects.get(name="compliance: nightly full recompute")
    nightly.crontab = CrontabSchedule.objects.create(minute="0", hour="12")
    nightly.enabled = False
    nightly.task = "reporting.tasks.renamed_by_hand"
    nightly.save()
    call_command("migrate", verbosity=0)  # a deploy: migrate runs sync_schedules
    nightly.refresh_from_db()
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("0", "12")
    assert nightly.task == "reporting.tasks.compliance_nightly"
    assert nightly.enabled is False


def test_sync_schedules_reset_restores_the_declared_timing_but_not_the_switch(db):
    nightly = PeriodicTask.objects.get(name="compliance: nightly full recompute")
    nightly.crontab = CrontabSchedule.objects.create(minute="0", hour="12")
    nightly.enabled = False
    nightly.save()
    call_command("sync_schedules", "--reset")
    nightly.refresh_from_db()
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("30", "1")
    assert nightly.enabled is False


def test_sweep_runs_every_few_minutes(db):
    sweep = PeriodicTask.objects.get(task="reporting.tasks.recompute_pending")
    assert sweep.interval.period == "minutes" and sweep.interval.every <= 10
    assert sweep.enabled


def test_every_declared_schedule_names_a_registered_task(db):
    from reform.celery import app

    app.loader.import_default_modules()
    for entry in SCHEDULES:
        assert entry["task"] in app.tasks, entry["task"]


def test_compute_task_reports_progress_in_the_result_backend(tree):
    from django.db.models.signals import post_save
    from django_celery_results.models import TaskResult

    seen: list[tuple[str, dict]] = []

    def record(sender, instance, **kwargs):
        seen.append((instance.status, json.loads(instance.result or "null")))

    post_save.connect(record, sender=TaskResult, dispatch_uid="test-progress")
    try:
        compliance_compute_task.apply_async(kwargs={"year": 2025}).get()
    finally:
        post_save.disconnect(dispatch_uid="test-progress")
    progress = [meta for state, meta in seen if state == "PROGRESS"]
    assert progress[0] == {"done": 0, "total": len(tree)}
    assert progress[-1] == {"done": len(tree), "total": len(tree)}
    assert seen[-1][0] == "SUCCESS"
