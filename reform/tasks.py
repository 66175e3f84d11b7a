"""What every task of the project shares (TASK_OPTIONS), and the sweep of work stuck after a fault."""
from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
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


def stuck_sweep_run(*, now=None) -> dict[str, dict[str, list[int]]]:
    """Requeue or fail the uploads, exports and compute runs stuck after a fault (see reform/sweep.py)."""
    from django.utils import timezone

    from imports.services import imports_sweep_stuck
    from reporting.runs import runs_sweep_lost
    from reports.services import exports_sweep_stuck

    now = now or timezone.now()
    done = {"uploads": imports_sweep_stuck(now=now), "exports": exports_sweep_stuck(now=now),
            "compute_runs": runs_sweep_lost(now=now)}
    if any(ids for kind in done.values() for ids in kind.values()):
        logger.warning("Sweep of stuck work: %s", done)
    return done


@shared_task(name="reform.tasks.stuck_sweep", **{**TASK_OPTIONS, "time_limit": 300, "soft_time_limit": 240})
def stuck_sweep() -> dict:
    """Every few minutes (beat): requeue or fail work stuck after a fault; safe to run twice or at once."""
    return stuck_sweep_run()
