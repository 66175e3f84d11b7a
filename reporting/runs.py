"""Compute runs: every compliance_compute of the tasks, the coalesced recompute and the command is recorded, so a
recompute that fails is seen (admin list, admin index, dashboards) instead of leaving stale figures without a word.

Also what the pages read about them: the last failure of a year not yet answered by a later success covering it,
and the policy changes still waiting to be applied; and `recompute_years_now` for the administrators' button.
"""
from __future__ import annotations

import datetime
import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reform.models import Unit
from reform.queueing import task_publish
from reform.sweep import running_after, task_result_failed

from .choices import MarkReason, RunState, RunTrigger
from .models import ComplianceResult, ComputeRun, RecomputeRequest
from .selectors import Subtrees
from .services import ComputeSummary, compliance_compute

logger = logging.getLogger(__name__)

# How long compute runs are kept (the failure banners only need the recent ones).
KEEP_DAYS = 90


def _finish(run: ComputeRun, state: str, error: str = "") -> None:
    run.state, run.finished_at, run.error = state, timezone.now(), error
    try:
        # Its own savepoint: a compute that failed inside a caller's transaction must not take the record with it.
        with transaction.atomic():
            run.save(update_fields=["state", "finished_at", "error"])
    except Exception:  # noqa: BLE001 - e.g. the database itself is gone; a run left `running` is shown as lost
        logger.exception("Could not record the end (%s) of compute run %s", state, run.pk)


def compute_recorded(
    *, year: int, unit: Unit | Subtrees | None = None, trigger: str, task_id: str | None = "",
    progress: Callable[[int, int], None] | None = None, with_signals: bool = True,
) -> ComputeSummary:
    """`compliance_compute` recorded as a ComputeRun: running, then succeeded or failed with the error (re-raised)."""
    several = isinstance(unit, Subtrees)
    run = ComputeRun.objects.create(year=year, unit=None if several else unit, subtrees=unit.paths if several else [],
                                    trigger=trigger, task_id=task_id or "", state=RunState.RUNNING,
                                    started_at=timezone.now())
    try:
        summary = compliance_compute(year=year, unit=unit, progress=progress, with_signals=with_signals)
    except BaseException as error:  # SoftTimeLimitExceeded and a worker's shutdown too: record, then re-raise
        text = f"{type(error).__name__}: {error}".strip()
        _finish(run, RunState.FAILED, f"{text}\n\n{traceback.format_exc()}")
        raise
    _finish(run, RunState.SUCCEEDED)
    ComputeRun.objects.filter(started_at__lt=timezone.now() - datetime.timedelta(days=KEEP_DAYS)).delete()
    return summary


def _lost_after() -> datetime.timedelta:
    # A run still `running` after the task's hard time limit (and the sweep's margin) was killed with its worker.
    return running_after(int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800)))


def runs_sweep_lost(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Fail the compute runs still `running` past the time limit: their worker was lost (the sweep, every few
    minutes). A conditional UPDATE per run, so two sweeps at once fail each run once; the task's result says
    FAILURE too, instead of STARTED until the broker delivers the task again."""
    now = now or timezone.now()
    lost_before = now - _lost_after()
    minutes = max(1, round(_lost_after().total_seconds() / 60))
    reason = (f"WorkerLostError: the worker running it was lost (stopped or killed); it was still running "
              f"{minutes} minutes after it started, past its time limit.")
    failed = []
    for pk, task_id in ComputeRun.objects.filter(state=RunState.RUNNING, started_at__lt=lost_before).values_list(
            "pk", "task_id"):
        if ComputeRun.objects.filter(pk=pk, state=RunState.RUNNING).update(
                state=RunState.FAILED, finished_at=now, error=reason):
            logger.warning("Sweep: compute run %s (task %s) failed: %s", pk, task_id or "-", reason)
            task_result_failed(task_id, reason)
            failed.append(pk)
    return {"requeued": [], "failed": failed}


@dataclass
class Failure:
    """A failed run of a year not answered by a later success of a scope that covers it."""

    year: int
    unit: Unit | None
    at: datetime.datetime
    reason: str
    run: ComputeRun


def _covers(success: ComputeRun, failed: ComputeRun) -> bool:
    """Whether the successful run recomputed every unit the failed one should have."""
    covered, wanted = success.scope_paths, failed.scope_paths
    if covered is None:
        return True
    return wanted is not None and all(any(path.startswith(top) for top in covered) for path in wanted)


def last_failure(*, year: int, limit: int = 200) -> Failure | None:
    """The newest failure of `year` that no later successful run covering its scope answered, or None (one query
    when no run failed; otherwise a second one: the year's runs newest first, down to the last successful national
    one, which answers everything before it)."""
    lost_before = timezone.now() - _lost_after()
    runs = ComputeRun.objects.filter(year=year)
    # Nearly always nothing failed: one small query says so (every dashboard page asks, and reading the year's
    # last 200 runs with their scopes was a tenth of a commune's page).
    if not runs.filter(Q(state=RunState.FAILED) | Q(state=RunState.RUNNING, started_at__lt=lost_before)).exists():
        return None
    later_successes: list[ComputeRun] = []
    for run in runs.select_related("unit").order_by("-started_at", "-id")[:limit]:
        if run.state == RunState.SUCCEEDED:
            if run.scope_paths is None:
                return None
            later_successes.append(run)
            continue
        lost = run.state == RunState.RUNNING and run.started_at < lost_before
        if run.state != RunState.FAILED and not lost:
            continue
        if any(_covers(success, run) for success in later_successes):
            continue
        reason = run.reason if run.state == RunState.FAILED else _("it did not finish (worker lost or time limit)")
        return Failure(year=year, unit=run.unit, at=run.finished_at or run.started_at, reason=reason, run=run)
    return None


def unanswered_failures(*, days: int = KEEP_DAYS) -> list[Failure]:
    """The last unanswered failure of every year that had a run lately (for the admin index)."""
    since = timezone.now() - datetime.timedelta(days=days)
    years = sorted(set(ComputeRun.objects.filter(started_at__gte=since).values_list("year", flat=True)))
    return [found for year in years if (found := last_failure(year=year)) is not None]


@dataclass
class PolicyWait:
    """Policy changes marked but not yet applied: since when, and to which years."""

    since: datetime.datetime
    years: list[int]


def policy_waiting() -> PolicyWait | None:
    marks = list(RecomputeRequest.objects.filter(reason=MarkReason.POLICY).values_list("year", "requested_at"))
    if not marks:
        return None
    return PolicyWait(since=min(at for _, at in marks), years=sorted({year for year, _ in marks}))


def stored_years() -> list[int]:
    """The years that have stored results (the ones a policy change can make stale)."""
    return sorted(ComplianceResult.objects.order_by().values_list("year", flat=True).distinct())


def recompute_years_now(*, years: Iterable[int], trigger: str = RunTrigger.ADMIN) -> list[tuple[int, str]]:
    """Queue compliance_compute_task for each year (the whole country); returns (year, task id) pairs.

    In-process mode (no broker) runs them here and now; a failure there is recorded as a failed run, the task's
    state is FAILURE, and the caller is not interrupted."""
    from .tasks import compliance_compute_task

    queued = []
    for year in sorted({int(y) for y in years}):
        # QueueUnavailable (the broker is down) reaches the caller, which says so.
        result = task_publish(compliance_compute_task, kwargs={"year": year, "unit_id": None, "trigger": str(trigger)})
        queued.append((year, result.id))
    return queued
