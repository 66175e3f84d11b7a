"""Writes of bulk uploads: accept a file (`import_create`) and run it (`import_run`, from the Celery task).

A run is all-or-nothing: rows are streamed, validated and loaded inside one transaction, and if any
row is bad the transaction is rolled back and every bad row is reported (line, column, message). Every
record changed gets its history row, naming the uploader and the upload; every record created names the
upload, the record of its creation in the audit trail (imports.history).
A check only (`dry_run`) runs the same load and rolls it back: the counts and errors, nothing written.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reform.models import User
from reform.queueing import QueueUnavailable, task_publish
from reform.signals import records_changed
from reform.sweep import QueuedWork
from reform.tasks import DATABASE_LOST  # the upload rolls back and its task retries it

from .choices import ImportKind, ImportStatus
from .columns import MODELS, schema_for
from .history import upload_stamp
from .loaders import LoadResult, PostgresLoader, loader_for
from .models import ImportBatch, upload_reason
from .parsing import FileRefused, XlsxLimits, open_rows
from .validation import ErrorSink, RowValidator

logger = logging.getLogger(__name__)


MB = 1024 * 1024
KEEP_ERRORS = 500  # errors kept on the batch row (page and API); all of them are in the CSV file


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORTS_MAX_UPLOAD_BYTES", 200 * MB)


def max_xlsx_uncompressed_bytes() -> int:
    return getattr(settings, "IMPORTS_MAX_XLSX_UNCOMPRESSED_BYTES", 1024 * MB)


def max_rows() -> int:
    return getattr(settings, "IMPORTS_MAX_ROWS", 2_000_000)


def xlsx_limits() -> XlsxLimits:
    """What an XLSX upload may unpack to (settings IMPORTS_XLSX_*; see imports/parsing.py)."""
    return XlsxLimits(
        max_uncompressed=max_xlsx_uncompressed_bytes(),
        max_ratio=int(getattr(settings, "IMPORTS_XLSX_MAX_RATIO", 100)),
        max_cells_per_row=int(getattr(settings, "IMPORTS_XLSX_MAX_CELLS_PER_ROW", 200)),
        max_cells=int(getattr(settings, "IMPORTS_XLSX_MAX_CELLS", 30 * max_rows())),
    )


def can_upload(user: User) -> bool:
    return user.is_authenticated and (user.is_administrator or user.is_entry_officer)


def progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


@transaction.atomic
def import_create(*, user: User, kind: str, upload: UploadedFile, language: str = "", dry_run: bool = False) -> ImportBatch:
    """Store the uploaded file and queue its import (after commit). Refuses reviewers and oversized files.

    `dry_run`: a check only, which reports what the file would create, update and refuse, and writes nothing.
    """
    if not can_upload(user):
        raise PermissionDenied(_("Your role cannot upload records."))
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file holds: %(kinds)s.") % {"kinds": ", ".join(ImportKind.values)}})
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError({"file": _("The file is %(size)s MB, more than the %(max)s MB allowed: split it into smaller files.")
                               % {"size": round(upload.size / MB, 1), "max": limit // MB}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        user=user, kind=kind, dry_run=dry_run, file_name=(upload.name or "upload")[:255], file_size=upload.size,
        sha256=digest.hexdigest(), language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:8],
        task_id=str(uuid.uuid4()), created_at=timezone.now(),
    )
    batch.file.save(upload.name or "upload", upload, save=False)
    batch.save()
    transaction.on_commit(lambda: _enqueue(batch))
    return batch


def _enqueue(batch: ImportBatch) -> None:
    """Queue the upload's run; when the broker cannot be reached the batch fails saying why, and QueueUnavailable
    tells the caller (503 on the API and the page)."""
    from .tasks import import_run as import_run_task

    try:
        task_publish(import_run_task, args=[batch.pk], task_id=batch.task_id)
    except QueueUnavailable as error:
        _queue_failed(batch, error.cause or error)
        raise
    except Exception as error:  # noqa: BLE001 - say so on the batch, never a 500
        logger.exception("Could not queue import %s", batch.pk)
        _queue_failed(batch, error)


def _queue_failed(batch: ImportBatch, error: BaseException) -> None:
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(),
        message=_("The upload could not be queued (%(error)s); please try again later.") % {"error": error},
    )


def import_database_lost(batch_id: int, *, error: BaseException) -> None:
    """The upload's last retry still found no database: it fails, saying why (best effort: the database may
    still be gone, and then the sweep fails it later)."""
    try:
        ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportStatus.SUCCEEDED).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            message=_("The database could not be reached during the upload, after several tries (%(error)s); "
                      "nothing was written. Please upload the file again.") % {"error": error},
        )
    except DATABASE_LOST:
        logger.exception("Could not mark upload %s failed", batch_id)


def imports_sweep_stuck(*, now) -> dict[str, list[int]]:
    """Requeue the uploads no worker took, fail those whose worker was lost (reform/sweep.py)."""
    from .tasks import import_run as import_run_task

    return QueuedWork(
        label="upload", model=ImportBatch, task=import_run_task, pending=ImportStatus.PENDING,
        running=ImportStatus.RUNNING, failed=ImportStatus.FAILED, reason_field="message",
    ).sweep(now=now)


def import_given_up(batch_id: int, *, reason: str) -> None:
    """The upload's task was delivered too often (each run lost its worker): the batch fails for good, saying why."""
    ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportStatus.SUCCEEDED).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(),
        message=_("The upload stopped the worker each time it ran (it may need more memory than a worker has); "
                  "it was given up. Split the file or upload it as CSV. (%(reason)s)") % {"reason": reason},
    )


class _Refused(Exception):
    """Raised inside the transaction to roll it back when any row is bad."""

    def __init__(self, result: LoadResult):
        super().__init__()
        self.result = result


class _CheckedOnly(Exception):
    """Raised inside the transaction of a check only, to roll back what it wrote."""

    def __init__(self, result: LoadResult):
        super().__init__()
        self.result = result


class _ProgressReporter:
    """Publishes rows done: in the cache (read by the status endpoint) and, on PostgreSQL, on the batch row
    through a second connection (the import's own transaction is invisible until it commits)."""

    def __init__(self, batch: ImportBatch, on_progress: Callable[[int, int], None] | None):
        self.batch = batch
        self.total = batch.rows_total
        self.on_progress = on_progress
        self.side = connections.create_connection("default") if connection.vendor == "postgresql" else None

    def __call__(self, done: int) -> None:
        if done > self.total:
            self.total = int(done * 1.1) + 1
        cache.set(progress_key(self.batch.pk), {"rows_done": done, "rows_total": self.total}, 3600)
        if self.side is not None:
            try:
                with self.side.cursor() as cursor:
                    cursor.execute("UPDATE imports_importbatch SET rows_done = %s, rows_total = %s WHERE id = %s",
                                   [done, self.total, self.batch.pk])
            except Exception:  # noqa: BLE001 - progress is best effort
                logger.warning("progress update failed", exc_info=True)
        if self.on_progress:
            self.on_progress(done, self.total)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def import_run(*, batch_id: int, on_progress: Callable[[int, int], None] | None = None,
               force_orm: bool = False) -> ImportBatch:
    """Validate and load a stored upload, all or nothing; idempotent (a finished batch is left as it is)."""
    batch = ImportBatch.objects.select_related("user").get(pk=batch_id)
    if batch.is_finished:
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        # One date for every history row of the upload, so the audit trail and the page find them; saved with its
        # reason before any record is written, so every record it creates finds its creation stamp (`upload`).
        batch.status, batch.started_at = ImportStatus.RUNNING, timezone.now()
        batch.history_date = batch.started_at
        batch.history_reason = upload_reason(batch_id=batch.pk, file_name=batch.file_name)
        batch.save(update_fields=["status", "started_at", "history_date", "history_reason"])
        sink = ErrorSink(keep=KEEP_ERRORS)
        try:
            result = _run(batch, sink, on_progress, force_orm)
        except FileRefused as refused:
            _finish_failed(batch, message=refused.message,
                           errors=[(refused.line, refused.column, refused.message)] if refused.line else [])
        except DATABASE_LOST:
            # The database went away: the upload rolled back, and the task tries it again with back-off.
            logger.warning("Import %s lost its database connection; it will be retried", batch.pk, exc_info=True)
            raise
        except Exception:
            logger.exception("Import %s crashed", batch.pk)
            _finish_failed(batch, message=_("The upload failed because of an internal error; nothing was written."),
                           errors=[])
            raise
        else:
            if result is not None:
                _finish_succeeded(batch, result)
        finally:
            sink.close()
            cache.delete(progress_key(batch.pk))
    return batch


def _run(batch: ImportBatch, sink: ErrorSink, on_progress, force_orm: bool) -> LoadResult | None:
    schema = schema_for(batch.kind)
    reporter = None
    stamp = upload_stamp(batch)
    try:
        with batch.file.open("rb") as opened, transaction.atomic():
            stream = getattr(opened, "file", opened)  # the real file object (TextIOWrapper needs one)
            source = open_rows(stream, batch.file_name, schema, max_rows=max_rows(),
                               max_xlsx_uncompressed=max_xlsx_uncompressed_bytes(), size=batch.file_size,
                               xlsx_limits=xlsx_limits())
            # Never write the batch row on this connection inside the transaction: the progress
            # reporter updates it from a second connection, which would wait for our row lock.
            batch.rows_total = source.estimated_rows
            reporter = _ProgressReporter(batch, on_progress)
            reporter(0)
            validator = RowValidator(schema, source.columns, sink, today=timezone.localdate())
            loader = loader_for(kind=batch.kind, user=batch.user, sink=sink, stamp=stamp, dry_run=batch.dry_run,
                                force_orm=force_orm)
            rows = (validator(line, cells) for line, cells in source.rows)
            started = time.perf_counter()
            result = loader.load(rows, reporter)
            logger.info("Import %s: %s rows loaded in %.2fs %s", batch.pk, result.rows, time.perf_counter() - started,
                        " ".join(f"{name}={seconds:.2f}" for name, seconds in result.timings.items()),
                        extra={"timings": result.timings})
            batch.rows_total = result.rows
            if not result.ok:
                errors = loader.sorted_errors(sink) if isinstance(loader, PostgresLoader) else iter(sink)
                _store_errors(batch, errors)
                raise _Refused(result)
            if source.unknown_headers:
                batch.message = _("Columns ignored (not known to this upload): %(columns)s.") % {
                    "columns": ", ".join(source.unknown_headers)}
            if batch.dry_run:
                raise _CheckedOnly(result)
            if result.created or result.updated:
                model = MODELS[batch.kind]
                unit_ids, years = set(result.unit_ids), set(result.years)
                transaction.on_commit(
                    lambda: records_changed.send(sender=model, model=model, unit_ids=unit_ids, years=years)
                )
            return result
    except _CheckedOnly as checked:
        return checked.result
    except _Refused as refused:
        batch.status, batch.finished_at = ImportStatus.FAILED, timezone.now()
        batch.rows_done = batch.rows_total
        batch.refused = refused.result.refused
        batch.history_date = None
        if batch.dry_run:
            # What the other rows would do once the refused ones are corrected (the file as it is: nothing).
            batch.created, batch.updated = refused.result.created, refused.result.updated
            batch.unchanged = max(0, batch.rows_total - batch.created - batch.updated - batch.refused)
            batch.message = _("Check only, nothing was written: %(count)s errors in %(rows)s rows, so this file "
                              "would be refused as it is. Once they are corrected, the other rows would create "
                              "%(created)s records and update %(updated)s.") % {
                "count": batch.error_count, "rows": batch.refused, "created": batch.created, "updated": batch.updated}
        else:
            batch.message = _("%(count)s errors: nothing was written. Correct the rows listed and upload the file again.") % {
                "count": batch.error_count}
        batch.save()
        return None
    finally:
        if reporter is not None:
            reporter.close()


def _store_errors(batch: ImportBatch, errors: Iterable[tuple[int | None, str, str]]) -> None:
    """Keep the first errors on the row and write all of them to a CSV file (UTF-8 with BOM, for Excel)."""
    first, count = [], 0
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(["line", "column", "message"])
        for line, column, message in errors:
            count += 1
            if len(first) < KEEP_ERRORS:
                first.append({"line": line, "column": column, "message": message})
            writer.writerow([line if line is not None else "", column, message])
        text.flush()
        raw.seek(0)
        batch.errors_file.save(f"errors-{batch.pk}.csv", File(raw), save=False)
        text.detach()
    batch.errors, batch.error_count = first, count


def _finish_failed(batch: ImportBatch, *, message: str, errors: list[tuple[int | None, str, str]]) -> None:
    batch.status, batch.finished_at, batch.message = ImportStatus.FAILED, timezone.now(), message
    batch.created = batch.updated = batch.unchanged = batch.refused = 0
    batch.history_date = None
    if errors:
        _store_errors(batch, errors)
    batch.save()


def _finish_succeeded(batch: ImportBatch, result: LoadResult) -> None:
    batch.status, batch.finished_at = ImportStatus.SUCCEEDED, timezone.now()
    batch.rows_total = batch.rows_done = result.rows
    batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
    batch.refused = 0
    if batch.dry_run:  # nothing stayed written: no units or years changed, no history to find
        batch.unit_ids, batch.years, batch.history_date = [], [], None
    else:
        batch.unit_ids, batch.years = sorted(result.unit_ids), sorted(result.years)
    batch.errors, batch.error_count = [], 0
    batch.save()
