"""Celery task of bulk uploads: thin, an id in, the service does the work."""
from __future__ import annotations

from celery import shared_task

from reform.sweep import superseded
from reform.tasks import TASK_OPTIONS

from . import services


# The options of every task (reform.tasks.TASK_OPTIONS): 200,000 rows take about 6 s (benchmarks/imports.py), so
# the largest upload (IMPORTS_MAX_ROWS) stays well inside the time limit, which is itself below the broker's
# visibility timeout; a database lost mid-upload rolls the upload back and the task retries it with back-off.
@shared_task(bind=True, name="imports.tasks.import_run", given_up="imports.services.import_given_up",
             **TASK_OPTIONS)
def import_run(self, batch_id: int) -> dict:
    """Run one upload.

    Progress (rows done/total) is published on the ImportBatch row, written through a second database
    connection, and in the cache, not with `update_state` during the run: the result backend writes on the
    task's own connection, which is busy streaming the COPY inside the upload's transaction.
    """
    batch = services.ImportBatch.objects.get(pk=batch_id)
    if superseded(batch, self.request):
        return {"batch": batch.pk, "skipped": "queued again under another task id"}
    if self.request.id and not self.request.called_directly:
        self.update_state(state="STARTED", meta={"batch": batch_id})
    try:
        batch = services.import_run(batch_id=batch_id)
    except services.DATABASE_LOST as error:
        if self.request.retries >= self.max_retries:
            services.import_database_lost(batch_id, error=error)
        raise
    return {
        "batch": batch.pk, "status": batch.status, "rows": batch.rows_total, "created": batch.created,
        "updated": batch.updated, "unchanged": batch.unchanged, "refused": batch.refused, "errors": batch.error_count,
        "dry_run": batch.dry_run,
    }
