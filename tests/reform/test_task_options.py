"""Every task of the project runs with the one set of options, reform.tasks.TASK_OPTIONS (late acks, retries on a
lost database, time limits below the broker's visibility timeout), and only the sweep shortens its limits."""
from __future__ import annotations

import pytest

from reform.celery import app
from reform.tasks import TASK_OPTIONS

PROJECT_TASKS = {
    "imports.tasks.import_run", "reform.tasks.stuck_sweep", "reporting.tasks.compliance_compute_task",
    "reporting.tasks.compliance_nightly", "reporting.tasks.recompute_pending", "reporting.tasks.signals_pending",
    "reports.tasks.export_generate",
    "reports.tasks.generate_due_exports", "reports.tasks.send_report_reminders",
}
SHORTER = {"reform.tasks.stuck_sweep": (300, 240)}  # (time_limit, soft_time_limit)


def project_tasks() -> dict:
    app.loader.import_default_modules()  # what a worker does at start: autodiscovers every app's tasks.py
    apps = {"reform", "documents", "meetings", "reporting", "reports", "imports", "demo", "portal"}
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in apps}


def test_the_project_has_exactly_the_tasks_listed_here():
    assert set(project_tasks()) == PROJECT_TASKS


@pytest.mark.parametrize("name", sorted(PROJECT_TASKS))
def test_each_task_has_the_shared_options_and_stops_before_the_visibility_timeout(name, settings):
    task = project_tasks()[name]
    for option in ("acks_late", "reject_on_worker_lost", "autoretry_for", "retry_backoff", "retry_backoff_max",
                   "retry_jitter", "max_retries"):
        assert getattr(task, option) == TASK_OPTIONS[option], option
    limits = SHORTER.get(name, (TASK_OPTIONS["time_limit"], TASK_OPTIONS["soft_time_limit"]))
    assert (task.time_limit, task.soft_time_limit) == limits
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert task.soft_time_limit < task.time_limit < visibility
