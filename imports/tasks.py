"""Celery task of bulk uploads: thin, an id in, the service does the work."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3300,
             given_up="imports.services.import_given_up")
def import_run(self, batch_id: int) -> dict:
    """Run one upload.

    Progress (rows done/total) is published on the ImportBatch row, written through a second database
    connection, and in the cache, not with `update_state` during the run: the result backend writes on the
    task's own connection, which is busy streaming the COPY inside the upload's transaction.
    """
    if self.request.id and not self.request.called_directly:
        self.update_state(state="STARTED", meta={"batch": batch_id})
    batch = services.import_run(batch_id=batch_id)
    return {
        "batch": batch.pk, "status": batch.status, "rows": batch.rows_total, "created": batch.created,
        "updated": batch.updated, "unchanged": batch.unchanged, "refused": batch.refused, "errors": batch.error_count,
        "dry_run": batch.dry_run,
    }
