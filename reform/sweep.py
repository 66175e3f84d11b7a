"""The sweep of work stuck after a fault: queued rows no worker took, running rows whose worker was lost.

Uploads (imports.ImportBatch) and exports (reports.ReportExport) are rows that go pending -> running -> done or
failed, each run by one task whose id is on the row. After a fault (Redis restarted empty, the whole worker
killed, a publish lost) a row can stay pending or running for good. The sweep (reform.tasks.stuck_sweep, every
few minutes from beat) finds them by their age:

- pending longer than STUCK_PENDING_AFTER_SECONDS (since it was queued): queued again under a NEW task id, at
  most STUCK_MAX_REQUEUES times, then failed ("no worker took it"); a requeue that cannot reach the broker fails
  the row ("the queue could not be reached"). A task delivered under an id that is no longer its row's (the
  message the requeue replaced, arriving late) does nothing, so the work never runs twice at once;
- running longer than its task's time limit plus STUCK_RUNNING_MARGIN_SECONDS: the hard time limit would have
  ended it, so its worker was lost; it is failed with that reason.

Every change is a conditional UPDATE (on the state, and for a requeue on the task id), so two sweeps at once,
or one run twice, change each row once. What it did is on the row (message or error, admin lists), in the
task's result (FAILURE, for /api/v1/tasks/<id>/) and in a log line.
"""
from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .queueing import QueueUnavailable, task_publish

logger = logging.getLogger(__name__)

# What the sweep runs: name -> `f(*, now) -> {"requeued": [ids], "failed": [ids]}`. Each app whose work can get
# stuck registers its own in its `AppConfig.ready` (uploads, exports, compute runs).
Sweeper = Callable[..., dict[str, list[int]]]
_sweepers: dict[str, Sweeper] = {}


def sweeper_register(name: str, sweeper: Sweeper) -> None:
    _sweepers[name] = sweeper


def sweepers() -> dict[str, Sweeper]:
    return dict(_sweepers)


def pending_after() -> datetime.timedelta:
    """How long a queued row may wait for a worker before it is queued again."""
    return datetime.timedelta(seconds=max(1, int(getattr(settings, "STUCK_PENDING_AFTER_SECONDS", 1800))))


def running_after(time_limit: int | float | None) -> datetime.timedelta:
    """How long a row may stay running: its task's hard time limit, plus a margin for the kill and last writes."""
    limit = time_limit or getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800)
    return datetime.timedelta(seconds=int(limit) + max(0, int(getattr(settings, "STUCK_RUNNING_MARGIN_SECONDS", 120))))


def max_requeues() -> int:
    return max(0, int(getattr(settings, "STUCK_MAX_REQUEUES", 3)))


def task_result_failed(task_id: str, reason: str) -> None:
    """Record FAILURE (WorkerLostError, with the reason) for a task that will never report, unless it ended."""
    if not task_id:
        return
    from billiard.exceptions import WorkerLostError
    from celery import states
    from celery.result import AsyncResult

    from .celery import app

    try:
        if AsyncResult(task_id, app=app).state in states.READY_STATES:
            return
        app.backend.mark_as_failure(task_id, WorkerLostError(reason), call_errbacks=False)
    except Exception:  # noqa: BLE001 - the row already says it; the result is a courtesy
        logger.warning("Could not record the failure of task %s", task_id, exc_info=True)


@dataclass(frozen=True)
class QueuedWork:
    """How one kind of queued work is kept: rows with a status, a task id, when they were created, queued again
    and started, a requeue count, the field that says why they failed, and the task that runs one (args=[pk])."""

    label: str
    model: type[models.Model]
    task: Any
    pending: str
    running: str
    failed: str
    reason_field: str

    def _language(self, pk: int) -> str:
        if any(field.name == "language" for field in self.model._meta.fields):
            return self.model.objects.filter(pk=pk).values_list("language", flat=True).first() or settings.LANGUAGE_CODE
        return settings.LANGUAGE_CODE

    def _fail(self, pk: int, *, status: str, now: datetime.datetime, reason, task_id: str = "",
              **match: Any) -> bool:
        """Fail the row if it is still in `status` (and matches `match`); `reason` is called in the row's language."""
        with translation.override(self._language(pk)):
            text = str(reason())
        done = self.model.objects.filter(pk=pk, status=status, **match).update(
            status=self.failed, finished_at=now, **{self.reason_field: text})
        if done:
            logger.warning("Sweep: %s %s (%s) failed: %s", self.label, pk, status, text)
            task_result_failed(task_id, text)
        return bool(done)

    def sweep(self, *, now: datetime.datetime) -> dict[str, list[int]]:
        """Requeue or fail this kind's stuck rows; returns the ids requeued and failed."""
        out: dict[str, list[int]] = {"requeued": [], "failed": []}
        limit = running_after(getattr(self.task, "time_limit", None))
        lost_before = now - limit
        minutes = max(1, round(limit.total_seconds() / 60))
        # A row that started before it had a started_at counts from its creation.
        running = self.model.objects.annotate(running_since=Coalesce("started_at", "created_at"))
        for pk, task_id, started in running.filter(status=self.running, running_since__lt=lost_before).values_list(
                "pk", "task_id", "started_at"):
            # Only the run seen here: one started again meanwhile (a redelivery) is left alone.
            same_run = {"started_at": started} if started else {"started_at__isnull": True}
            if self._fail(pk, status=self.running, now=now, task_id=task_id, **same_run,
                          reason=lambda: _("The worker running it was lost (stopped or killed): it was still "
                                           "running %(minutes)s minutes after it started, past its time limit. "
                                           "Nothing of it was kept; please try again.") % {"minutes": minutes}):
                out["failed"].append(pk)

        wait = pending_after()
        waited_before = now - wait
        stuck = (self.model.objects.annotate(waiting_since=Coalesce("queued_at", "created_at"))
                 .filter(status=self.pending, waiting_since__lt=waited_before)
                 .values_list("pk", "task_id", "requeued"))
        for pk, task_id, requeued in stuck:
            if requeued >= max_requeues():
                if self._fail_pending(pk, task_id, requeued, now, wait):
                    out["failed"].append(pk)
                continue
            outcome = self._requeue(pk, task_id, now)
            if outcome:
                out[outcome].append(pk)
        return out

    def _fail_pending(self, pk: int, task_id: str, requeued: int, now: datetime.datetime,
                      wait: datetime.timedelta) -> bool:
        minutes = max(1, round(wait.total_seconds() / 60))
        return self._fail(pk, status=self.pending, now=now, task_id=task_id, task_id__exact=task_id,
                          reason=lambda: _("No worker took it: it waited in the queue %(minutes)s minutes at a time "
                                           "and was queued again %(times)s times. Please try again later.")
                          % {"minutes": minutes, "times": requeued})

    def _requeue(self, pk: int, task_id: str, now: datetime.datetime) -> str | None:
        """Give the row a new task id (only if it still has the old one: the claim) and publish it under that id."""
        new_id = str(uuid.uuid4())
        claimed = self.model.objects.filter(pk=pk, status=self.pending, task_id=task_id).update(
            task_id=new_id, queued_at=now, requeued=F("requeued") + 1)
        if not claimed:
            return None  # another sweep got there first, or a worker took it meanwhile
        try:
            task_publish(self.task, args=[pk], task_id=new_id)
        except QueueUnavailable as error:
            cause = error.cause or error
            failed = self._fail(pk, status=self.pending, now=now, task_id=new_id, task_id__exact=new_id,
                                reason=lambda: _("The queue could not be reached to start it again (%(error)s); "
                                                 "please try again later.") % {"error": cause})
            task_result_failed(task_id, str(error))
            return "failed" if failed else None
        logger.warning("Sweep: %s %s had waited for a worker since before %s; queued again as task %s (was %s)",
                       self.label, pk, (now - pending_after()).isoformat(), new_id, task_id)
        return "requeued"


def superseded(row: Any, request: Any) -> bool:
    """True when a task delivered through the broker is not the row's current one (the sweep queued it again
    under a new id): that delivery must do nothing. In-process runs (tests, the demo) are never superseded."""
    if request is None or getattr(request, "is_eager", False) or getattr(request, "called_directly", True):
        return False
    current = getattr(row, "task_id", "") or ""
    return bool(current and request.id and current != request.id)
