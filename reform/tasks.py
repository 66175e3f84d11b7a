"""What every task of the project shares (TASK_OPTIONS, ProgressReporter), and the sweep of work stuck after a fault."""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from psycopg2 import InterfaceError as DriverInterfaceError
from psycopg2 import OperationalError as DriverOperationalError

logger = logging.getLogger(__name__)

# The database went away (a restart, a cut connection): Django's errors, and the driver's own where a task uses
# the raw connection (the uploads' COPY).
DATABASE_LOST = (OperationalError, InterfaceError, DriverOperationalError, DriverInterfaceError)

# Late acks, time limits below the broker's visibility timeout, and retries with back-off when the database is
# briefly unreachable (a restart, a cut connection): 5 s, 10 s, 20 s, ... (with jitter), capped below.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800),
    "soft_time_limit": getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", 1500),
    "autoretry_for": DATABASE_LOST,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


# Progress is stored in the result backend (the database): report at most this often by default.
PROGRESS_EVERY_SECONDS = 0.5


class ProgressReporter:
    """Reports a task's progress (PROGRESS {done, total}) to the result backend, throttled (the latest report wins).

    In a worker on PostgreSQL it writes from a thread of its own, on that thread's own connection
    (`own_connection`): a compliance recompute's connection is busy streaming results with COPY for most of the
    run (a write on it would end the COPY, "COPY terminated by new PQexec", and fail the compute), and the
    compute's transaction would hide the report until the end anyway. Inside an open transaction (in-process tasks
    in a test) or on SQLite a second connection would wait on the first one's locks, so it reports on the task's
    connection, and the engine holds the reports made during a COPY until it ends (reporting.services._Progress).
    A task called directly (no task id) reports nothing."""

    def __init__(self, task, *, every: float | None = None) -> None:
        self.task, self.task_id = task, task.request.id
        self.every = float(PROGRESS_EVERY_SECONDS if every is None else every)
        self.last = float("-inf")
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="task-progress")
        self.pending: Future | None = None
        self.own_connection = connection.vendor == "postgresql" and not connection.in_atomic_block

    def __call__(self, done: int, total: int) -> None:
        if not self.task_id:
            return
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
        except Exception:  # noqa: BLE001 - progress is best effort; it must never fail the task
            logger.warning("Could not store the progress of task %s", self.task_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def close(self) -> None:
        """Wait for the last report, so it cannot land after the task's final state."""
        self.executor.shutdown(wait=True)


def stuck_sweep_run(*, now=None) -> dict[str, dict[str, list[int]]]:
    """Requeue or fail the work stuck after a fault, of every kind the apps register (uploads, exports, compute
    runs: reform/sweep.py)."""
    from django.utils import timezone

    from .sweep import sweepers

    now = now or timezone.now()
    done = {name: sweep(now=now) for name, sweep in sweepers().items()}
    if any(ids for kind in done.values() for ids in kind.values()):
        logger.warning("Sweep of stuck work: %s", done)
    return done


@shared_task(name="reform.tasks.stuck_sweep", **{**TASK_OPTIONS, "time_limit": 300, "soft_time_limit": 240})
def stuck_sweep() -> dict:
    """Every few minutes (beat): requeue or fail work stuck after a fault; safe to run twice or at once."""
    return stuck_sweep_run()
