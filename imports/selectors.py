"""Reads of bulk uploads: each officer sees only their own uploads; administrators see all."""
from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from reform.models import User

from .choices import ImportStatus
from .models import ImportBatch
from .services import progress_key


def import_list(*, user: User) -> QuerySet[ImportBatch]:
    queryset = ImportBatch.objects.select_related("user")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_administrator:
        return queryset
    return queryset.filter(user=user)


def import_progress(*, batch: ImportBatch) -> dict:
    """Rows done and total: the live figures of a running upload (cache), else the batch row's."""
    done, total = batch.rows_done, batch.rows_total
    if batch.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
        live = cache.get(progress_key(batch.pk))
        if live and live.get("rows_done", 0) >= done:
            done, total = live["rows_done"], live.get("rows_total") or total
    elif batch.status == ImportStatus.SUCCEEDED:
        done = total = batch.rows_total
    fraction = 1.0 if batch.status == ImportStatus.SUCCEEDED else (min(1.0, done / total) if total else 0.0)
    return {"rows_done": done, "rows_total": total, "fraction": round(fraction, 4)}
