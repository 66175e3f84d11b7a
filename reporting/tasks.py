"""Celery tasks of the compliance engine: thin wrappers (ids in, a service called, a JSON summary out).

All are idempotent (a recompute replaces a year's results atomically, so running one twice is harmless),
acknowledged late (a worker lost mid-task means the task is delivered again) and time-limited below the broker's
visibility timeout (settings: 3600 s visibility, 1800 s hard limit), and retried with exponential back-off when the
database is briefly unreachable.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reform.tasks import TASK_OPTIONS

logger = logging.getLogger(__name__)

# Progress is stored in the result backend (the database): report at most this often (a setting, so a test can
# force a report at every step).
PROGRESS_EVERY_SECONDS = 0.5


class ProgressReporter:
    """Reports a task's progress to the result backend, throttled (the latest report wins).

    In a worker on PostgreSQL it writes from a thread of its own, on that thread's own connection
    (`own_connection`): the engine's connection is busy streaming results with COPY for most of a recompute (a
    write on it would end the COPY, "COPY terminated by new PQexec", and fail the compute), and the compute's
    transaction would hide the report until the end anyway. Inside an open transaction (in-process tasks in
    a test) or on SQLite a second connection would wait on the first one's locks, so it reports on the
    engine's connection, and the engine holds the reports made during a COPY until it ends
    (services._Progress)."""

    def __init__(self, task, *, every: float | None = None) -> None:
        self.task, self.task_id = task, task.request.id
        self.every = float(getattr(settings, "COMPLIANCE_PROGRESS_EVERY_SECONDS", PROGRESS_EVERY_SECONDS)
                           if every is None else every)
        self.last = float("-inf")
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="task-progress")
        self.pending: Future | None = None
        self.own_connection = connection.vendor == "postgresql" and not connection.in_atomic_block

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.every:
            return
        if self.pending is not None and not self.pending.done() and done < total:
            return  # the previous report is still being written: skip this one rather than queue them up
        self.last = now
        if not self.own_connection:
            self.task.update_state(task_id=self.task_id, state="PROGRESS", meta={"done": int(done), "total": int(total)})
            return
        self.pending = self.executor.submit(self._store, int(done), int(total))

    def _store(self, done: int, total: int) -> None:
        try:
            self.task.update_state(task_id=self.task_id, state="PROGRESS", meta={"done": done, "total": total})
        except Exception:  # noqa: BLE001 - progress is best effort; it must never fail the compute
            logger.warning("Could not store the progress of task %s", self.task_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def close(self) -> None:
        """Wait for the last report, so it cannot land after the task's final state."""
        self.executor.shutdown(wait=True)


def summary_as_dict(summary: Any) -> dict:
    """The engine's ComputeSummary as JSON-friendly data."""
    if dataclasses.is_dataclass(summary):
        data = dataclasses.asdict(summary)
    elif isinstance(summary, dict):
        data = dict(summary)
    else:
        data = {"value": str(summary)}
    out = {}
    for key, value in data.items():
        if hasattr(value, "pk") and hasattr(value, "code"):  # a Unit
            value = value.code
        elif isinstance(value, float):
            value = round(value, 3)
        elif not isinstance(value, (int, str, bool, type(None), list, dict)):
            value = str(value)
        out[key] = value
    return out


@shared_task(bind=True, name="reporting.tasks.compliance_compute_task", **TASK_OPTIONS)
def compliance_compute_task(self, year: int, unit_id: int | None = None, trigger: str = "api") -> dict:
    """Compute every target for `year`, for the whole country or one unit's subtree, reporting progress; the run is
    recorded (reporting/runs.py) with what started it (`api`, `admin`)."""
    from reform.models import Unit
    from reporting.runs import compute_recorded

    unit = Unit.objects.get(pk=unit_id) if unit_id is not None else None
    progress = ProgressReporter(self)
    try:
        summary = compute_recorded(year=int(year), unit=unit, progress=progress, trigger=trigger,
                                   task_id=self.request.id)
    finally:
        progress.close()
    result = summary_as_dict(summary)
    result.setdefault("year", int(year))
    result["unit"] = unit.code if unit else None
    return result


@shared_task(bind=True, name="reporting.tasks.recompute_pending", **TASK_OPTIONS)
def recompute_pending(self) -> dict:
    """Recompute every unit-year marked dirty by record changes (coalesced; see reporting/recompute.py)."""
    from reporting.recompute import recompute_pending_run

    return recompute_pending_run(task_id=self.request.id or "")


@shared_task(bind=True, name="reporting.tasks.compliance_nightly", **TASK_OPTIONS)
def compliance_nightly(self, year: int | None = None) -> dict:
    """The nightly full recompute: the current year, and in January the previous year too."""
    from reporting.choices import RunTrigger
    from reporting.recompute import recompute_marks_clear
    from reporting.runs import compute_recorded

    today = timezone.localdate()
    years = [int(year)] if year else ([today.year - 1, today.year] if today.month == 1 else [today.year])
    done = []
    for each in years:
        started = timezone.now()
        summary = compute_recorded(year=each, trigger=RunTrigger.NIGHTLY, task_id=self.request.id)
        recompute_marks_clear(year=each, before=started)
        done.append(summary_as_dict(summary))
    return {"years": years, "summaries": done}
