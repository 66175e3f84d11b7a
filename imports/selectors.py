"""Reads of bulk uploads: progress and the records an upload changed. Which uploads a user sees (their own;
administrators all) is `ImportBatch.objects.visible_to(user)`, applied by the pages' and the API's mixins."""
from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse

from .choices import ImportKind, ImportStatus
from .columns import MODELS
from .models import ImportBatch
from .services import progress_key

# The page of a record of each register, where the list of an upload's changed records links to.
RECORD_URLS = {
    ImportKind.DOCUMENTS: "documents:document_detail",
    ImportKind.CONFERENCES: "meetings:conference_detail",
    ImportKind.DIGITIZATION_REPORTS: "documents:digitization_detail",
}


def import_progress(*, batch: ImportBatch) -> dict:
    """Rows done and total: the live figures of a running upload (cache), else the batch row's."""
    done, total = batch.rows_done, batch.rows_total
    if batch.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
        try:
            live = cache.get(progress_key(batch.pk))
        except Exception:  # noqa: BLE001 - Redis down: the row's own figures, never a 500
            live = None
        if live and live.get("rows_done", 0) >= done:
            done, total = live["rows_done"], live.get("rows_total") or total
    elif batch.status == ImportStatus.SUCCEEDED:
        done = total = batch.rows_total
    fraction = 1.0 if batch.status == ImportStatus.SUCCEEDED else (min(1.0, done / total) if total else 0.0)
    return {"rows_done": done, "rows_total": total, "fraction": round(fraction, 4)}


def import_updated_records(*, batch: ImportBatch) -> QuerySet:
    """The history rows (`~`) the upload wrote for the records it changed, in the order written.

    Every history row of an upload carries the upload's one `history_date` and its uploader: the audit
    trail is the list, nothing is stored twice. A check only, or a refused file, changed nothing.
    """
    history = MODELS[batch.kind].history
    if batch.dry_run or batch.history_date is None or batch.status != ImportStatus.SUCCEEDED or not batch.updated:
        return history.none()
    return (history.filter(history_date=batch.history_date, history_user_id=batch.user_id, history_type="~")
            .select_related("unit").order_by("history_id"))


def updated_record_entries(*, batch: ImportBatch, rows) -> list[dict]:
    """id, label (a document's number, a conference's title and date, a report's quarter), unit code, url."""
    url_name = RECORD_URLS[batch.kind]
    entries = []
    for row in rows:
        if batch.kind == ImportKind.DOCUMENTS:
            label = row.number
        elif batch.kind == ImportKind.CONFERENCES:
            label = f"{row.title} ({row.held_on:%Y-%m-%d})"
        else:
            label = f"{row.year} Q{row.quarter}"
        entries.append({"id": row.id, "label": label, "unit": row.unit.code if row.unit else None,
                        "url": reverse(url_name, args=[row.id])})
    return entries
