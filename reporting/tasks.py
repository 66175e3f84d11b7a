"""Celery tasks of the compliance engine: thin wrappers (ids in, a service called, a JSON summary out), and the
queuing of the coalesced recompute (`recompute_queue`: at most one `recompute_pending` queued per burst of changes).

All are idempotent (a recompute replaces a year's results atomically, so running one twice is harmless),
acknowledged late (a worker lost mid-task means the task is delivered again) and time-limited below the broker's
visibility timeout (settings: 3600 s visibility, 1800 s hard limit), and retried with exponential back-off when the
database is briefly unreachable.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from reform.tasks import TASK_OPTIONS, ProgressReporter

logger = logging.getLogger(__name__)
_local = threading.local()  # in-process mode: is a request running, and did it change records?

QUEUED_FLAG = "reporting:recompute-pending:queued"
SIGNALS_QUEUED_FLAG = "reporting:signals-pending:queued"


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
    progress = ProgressReporter(self, every=settings.COMPLIANCE_PROGRESS_EVERY_SECONDS)
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


@shared_task(bind=True, name="reporting.tasks.signals_pending", **TASK_OPTIONS)
def signals_pending(self, deferrals: int = 0) -> dict:
    """Find again the integrity signals of the unit-years whose results a record change recomputed (coalesced, one
    run at a time, beside `recompute_pending`; see reporting/recompute.py). `deferrals`: how many times this run
    has already made way for results still waiting."""
    from reporting.recompute import signals_pending_run

    return signals_pending_run(deferrals=deferrals)


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


# ---------------------------------------------------------------------------------- queuing the recompute

def _countdown() -> float:
    # One second lets a burst's other saves land first; five seconds were most of a reviewer's wait for a save
    # to reach the dashboard (benchmarks/freshness.py).
    return float(getattr(settings, "COMPLIANCE_RECOMPUTE_COUNTDOWN", 1))


def in_process() -> bool:
    """Whether tasks run in this process (CELERY_TASK_ALWAYS_EAGER: the embedded demo), not on a worker."""
    from reform.celery import app

    return bool(app.conf.task_always_eager)


def recompute_queue() -> str:
    """Queue one `recompute_pending` unless one is already queued. Never raises: the marks are durable and the
    periodic sweep catches up when Redis or the broker is down. Returns what happened (for logs and tests).

    Through a flag in the Django cache (Redis), `SET NX EX`: the first change of a burst queues the task with a
    short countdown, so the rest of the burst lands first and is answered by the same run."""
    return _queue(recompute_pending, QUEUED_FLAG, _countdown())


def signals_queue(deferrals: int = 0) -> str:
    """Queue one `signals_pending` unless one is already queued (as `recompute_queue`). Its countdown
    (COMPLIANCE_SIGNALS_COUNTDOWN, 10 s) lets a burst of saves in many places be answered by one run of the
    signals, which read every register of their scope, instead of one run per round of results. `deferrals`: see
    `recompute.signals_pending_run`."""
    return _queue(signals_pending, SIGNALS_QUEUED_FLAG, float(getattr(settings, "COMPLIANCE_SIGNALS_COUNTDOWN", 10)),
                  kwargs={"deferrals": deferrals} if deferrals else None)


def _queue(task, flag: str, countdown: float, kwargs: dict | None = None) -> str:
    if in_process():
        # In-process mode (embedded demo): within a request, run once when the request ends (a form or an API
        # call that saves many records recomputes once); outside a request, run now.
        if getattr(_local, "in_request", False):
            _local.pending = getattr(_local, "pending", set()) | {task.name}
            return "deferred"
        return _run_in_process(task)
    try:
        # SET NX EX: the first change of a burst wins; the flag outlives the countdown a little so that the
        # burst's later changes, committed before the task starts, do not queue more tasks.
        if not cache.add(flag, "1", timeout=countdown + 30):
            return "already-queued"
    except Exception:  # noqa: BLE001 - Redis down: fall through and try the broker anyway
        logger.warning("Could not set the %s flag (Redis unreachable?); trying the broker.", flag, exc_info=True)
    try:
        task.apply_async(kwargs=kwargs, countdown=countdown, retry=False)
    except Exception:  # noqa: BLE001 - broker down: the marks are in the database, the sweep will run them
        logger.warning("Could not queue %s (broker unreachable?); the periodic sweep will catch up.", task.name,
                       exc_info=True)
        try:
            cache.delete(flag)
        except Exception:  # noqa: BLE001
            pass
        return "broker-down"
    return "queued"


def _run_in_process(task) -> str:
    try:
        task.apply_async()
    except Exception:  # noqa: BLE001 - a failed recompute must never fail the save that triggered it
        logger.exception("In-process %s after a records change failed; the marks stay for the next run.", task.name)
        return "failed"
    return "ran"


def request_started(**kwargs) -> None:
    """In-process mode: a request's record changes recompute once, when it ends (request_finished)."""
    _local.in_request = True
    _local.pending = set()


def request_finished(**kwargs) -> None:
    pending = getattr(_local, "pending", None) or set()
    _local.in_request = False
    _local.pending = set()
    if pending and in_process():
        # The results first: their run queues the signals itself (run now, the request being over).
        for task in (recompute_pending, signals_pending):
            if task.name in pending:
                _run_in_process(task)


def clear_queued_flag(flag: str = QUEUED_FLAG) -> None:
    """Called when a run starts: changes committed from now on must queue a new run."""
    try:
        cache.delete(flag)
    except Exception:  # noqa: BLE001
        logger.warning("Could not clear the %s flag (Redis unreachable?).", flag, exc_info=True)


def clear_signals_flag() -> None:
    clear_queued_flag(SIGNALS_QUEUED_FLAG)
