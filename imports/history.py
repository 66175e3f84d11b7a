"""The audit trail of an upload: the django-simple-history rows a form edit writes, written set-based.

A form edit (reform/services.py) saves the record with `_history_user` set, and django-simple-history adds
one row to the register's historical table: the record's values after the change, `history_type` `+` or
`~`, `history_user`, `history_date`. An upload writes the same `~` rows for every record it changes, in the
same statement as the upsert (never one query per row), with the upload named in `history_change_reason`.

What an upload creates is recorded by the upload itself: each record it creates names it (`upload`), and
the upload keeps who, when and why (`ImportBatch.user`, `history_date`, `history_reason`); the audit trail
shows the upload as one entry. The record's own `+` row, the same one the upload would have written, is
written when the record first changes, from the record as it still is and the upload's stamp
(`keep_creation` before a form, API or admin save or delete; `baseline_sql` and `orm_write` before an
upload's change). 200,000 history rows cost an upload a third of the register's own write, for records
most of which never change.

A record that has no history and no upload (written before uploads kept history) likewise first gets its
state before the upload as a `+` row, so the audit trail shows before and after for it too.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _

from reform.models import User
from reform.services import history_reason

from .models import ImportBatch


@dataclass(frozen=True)
class HistoryStamp:
    """Who, when and why, for every history row of one upload (and the upload, named by what it creates)."""

    batch_id: int
    user_id: int
    date: datetime.datetime  # the history_date of every row the upload writes
    reason: str
    baseline_reason: str


def upload_stamp(batch: ImportBatch) -> HistoryStamp:
    """The stamp of an upload whose `history_date` and reason are set; the baseline's reason in the active language
    (the uploader's)."""
    return HistoryStamp(
        batch_id=batch.pk, user_id=batch.user_id, date=batch.history_date, reason=batch.reason,
        baseline_reason=history_reason(_("State before upload #%(id)s (no earlier history)") % {"id": batch.pk}),
    )


def history_table(model: type[models.Model]) -> str:
    return model.history.model._meta.db_table


def tracked_columns(model: type[models.Model]) -> list[str]:
    """The register's columns its historical table copies (a field added to the register comes along)."""
    return [field.column for field in model.history.model.tracked_fields]


def insert_sql(model: type[models.Model], *, alias: str, select_from: str, history_type: str,
               date: str = "%(history_date)s", user: str = "%(history_user)s",
               reason: str = "%(history_reason)s") -> str:
    """INSERT ... SELECT of history rows from the rows `alias` of `select_from` (a FROM ... clause).

    Parameters are named: `history_date`, `history_user`, `history_reason` (see `params`).
    """
    columns = tracked_columns(model)
    return (
        f"INSERT INTO {history_table(model)} ({', '.join(columns)}, history_date, history_type, history_user_id, "
        f"history_change_reason) SELECT {', '.join(f'{alias}.{column}' for column in columns)}, {date}, "
        f"{history_type}, {user}, {reason} {select_from}"
    )


def baseline_sql(model: type[models.Model], *, changed: str, where: str) -> str:
    """The `+` row of the state before the upload, for the changed records without any history.

    `changed` names a CTE of the rows the upload changed (their `id`), `where` filters it. Every CTE of
    a statement reads the tables as they were before it, so the register's row is the state before.
    A record an earlier upload created is that upload's `+` row (its user, date and reason); any other is
    dated when the record last took these values, without a user. Either is before the upload's own rows
    (the audit trail pairs a `~` row with the latest row strictly before it).
    Each changed row costs two index probes (and one into the uploads for a created one), never a scan of
    the register or of its history, however the planner estimates the CTE (a correlated subquery, and a
    LATERAL kept apart by OFFSET 0).
    """
    table = model._meta.db_table
    return insert_sql(
        model, alias="t", history_type="'+'", user="b.user_id",
        reason="coalesce(NULLIF(b.history_reason, ''), %(baseline_reason)s)",
        date="coalesce(b.history_date, LEAST(t.updated_at, %(history_date)s - interval '1 microsecond'))",
        select_from=(
            f"FROM {changed} c CROSS JOIN LATERAL (SELECT * FROM {table} o WHERE o.id = c.id OFFSET 0) t "
            f"LEFT JOIN {ImportBatch._meta.db_table} b ON b.id = t.upload_id AND b.history_date IS NOT NULL "
            f"WHERE {where} AND (SELECT 1 FROM {history_table(model)} h WHERE h.id = c.id LIMIT 1) IS NULL"
        ),
    )


def params(stamp: HistoryStamp) -> dict:
    return {"history_date": stamp.date, "history_user": stamp.user_id, "history_reason": stamp.reason,
            "baseline_reason": stamp.baseline_reason, "upload": stamp.batch_id}


def _creating_uploads(upload_ids: set[int]) -> dict[int, ImportBatch]:
    """The uploads that created records, with their stamps (user, date, reason): {upload id: upload}."""
    if not upload_ids:
        return {}
    batches = ImportBatch.objects.filter(pk__in=upload_ids, history_date__isnull=False)
    return {batch.pk: batch for batch in batches.only("user_id", "history_date", "history_reason", "file_name")}


def _write_creations(model: type[models.Model], records: list, uploads: dict[int, ImportBatch]) -> list:
    """The `+` rows of `records` (as they are before their first change) that an upload created; the others back."""
    created, others = [], []
    for record in records:
        batch = uploads.get(record.upload_id)
        if batch is None:
            others.append(record)
            continue
        record._history_user = User(pk=batch.user_id)
        record._history_date = batch.history_date
        record._change_reason = batch.reason
        created.append(record)
    model.history.bulk_history_create(created, batch_size=500)
    return others


def keep_creation(model: type[models.Model], instance: models.Model) -> None:
    """Before the first change (or deletion) of a record an upload created, write its `+` row: the record as
    stored, with the upload's user, date and reason. A record without an upload costs nothing more; one with an
    upload, two small queries. The stored row is locked first, so two first changes at once write one row."""
    if instance.pk is None or instance.upload_id is None:
        return
    with transaction.atomic():
        stored = model._base_manager.select_for_update().filter(pk=instance.pk).first()
        if stored is None or stored.upload_id is None or model.history.filter(id=stored.pk).exists():
            return
        _write_creations(model, [stored], _creating_uploads({stored.upload_id}))


def keep_creation_receiver(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs) -> None:
    """`pre_save` and `pre_delete` of the registers: `keep_creation` (not for fixtures being loaded)."""
    if not raw:
        keep_creation(sender, instance)


def orm_write(model: type[models.Model], *, stamp: HistoryStamp, updated: list, before: list) -> None:
    """The same rows on the ORM path (SQLite): `before` are copies of the updated records as they were. The
    records created name the upload (`upload`) and get no row."""
    history = model.history
    if before:
        known = set(history.filter(id__in=[record.pk for record in before]).values_list("id", flat=True).distinct())
        before = [record for record in before if record.pk not in known]
        baseline = _write_creations(model, before, _creating_uploads({r.upload_id for r in before} - {None}))
        for record in baseline:
            record._history_user = None
            record._history_date = min(record.updated_at, stamp.date - datetime.timedelta(microseconds=1))
        history.bulk_history_create(baseline, default_change_reason=stamp.baseline_reason, batch_size=500)
    if updated:
        history.bulk_history_create(updated, update=True, default_user=User(pk=stamp.user_id),
                                    default_change_reason=stamp.reason, default_date=stamp.date, batch_size=500)
