"""Celery tasks of the compliance engine: thin wrappers (ids in, a service called, a JSON summary out).

All are idempotent (a recompute replaces a year's results atomically, so running one twice is harmless),
acknowledged late (a worker lost mid-task means the task is delivered again) and time-limited below the broker's
visibility timeout (settings: 3600 s visibility, 1800 s hard limit), and retried with exponential back-off when the
database is briefly unreachable.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from reform.tasks import TASK_OPTIONS, ProgressReporter

logger = logging.getLogger(__name__)

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
