"""The audit trail of an upload: the django-simple-history rows a form edit writes, written set-based.

A form edit (reform/services.py) saves the record with `_history_user` set, and django-simple-history adds
one row to the register's historical table: the record's values after the change, `history_type` `+` or
`~`, `history_user`, `history_date`. An upload writes the same rows for every record it creates or
changes, one INSERT ... SELECT per chunk in the same statement as the upsert (never one query per row),
with the upload named in `history_change_reason`. A record that has no history yet (written before
uploads kept it) first gets its state before the upload as a `+` row, so the audit trail shows before
and after for it too.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from reform.models import User
from reform.services import history_reason



@dataclass(frozen=True)
class HistoryStamp:
    """Who, when and why, for every history row of one upload."""

    user_id: int
    date: datetime.datetime  # the history_date of every row the upload writes
    reason: str
    baseline_reason: str


def upload_stamp(*, batch_id: int, file_name: str, user_id: int, date: datetime.datetime) -> HistoryStamp:
    """The stamp of an upload, its reasons in the active language (the uploader's)."""
    return HistoryStamp(
        user_id=user_id, date=date,
        reason=history_reason(_("Upload #%(id)s (%(file)s)") % {"id": batch_id, "file": file_name}),
        baseline_reason=history_reason(_("State before upload #%(id)s (no earlier history)") % {"id": batch_id}),
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
    Each changed row costs two index probes, never a scan of the register or of its history, however
    the planner estimates the CTE (a correlated subquery, and a LATERAL kept apart by OFFSET 0). Dated
    when the record last took these values, always before the upload's own rows (the audit trail pairs
    a `~` row with the latest row strictly before it).
    """
    table = model._meta.db_table
    return insert_sql(
        model, alias="t", history_type="'+'", user="NULL", reason="%(baseline_reason)s",
        date="LEAST(t.updated_at, %(history_date)s - interval '1 microsecond')",
        select_from=(
            f"FROM {changed} c CROSS JOIN LATERAL (SELECT * FROM {table} o WHERE o.id = c.id OFFSET 0) t "
            f"WHERE {where} AND (SELECT 1 FROM {history_table(model)} h WHERE h.id = c.id LIMIT 1) IS NULL"
        ),
    )


def params(stamp: HistoryStamp) -> dict:
    return {"history_date": stamp.date, "history_user": stamp.user_id, "history_reason": stamp.reason,
            "baseline_reason": stamp.baseline_reason}


def orm_write(model: type[models.Model], *, stamp: HistoryStamp, created: list, updated: list, before: list) -> None:
    """The same rows on the ORM path (SQLite): `before` are copies of the updated records as they were."""
    history = model.history
    if before:
        known = set(history.filter(id__in=[record.pk for record in before]).values_list("id", flat=True).distinct())
        baseline = []
        for record in before:
            if record.pk in known:
                continue
            record._history_user = None
            record._history_date = min(record.updated_at, stamp.date - datetime.timedelta(microseconds=1))
            baseline.append(record)
        history.bulk_history_create(baseline, default_change_reason=stamp.baseline_reason, batch_size=500)
    for records, update in ((created, False), (updated, True)):
        if records:
            history.bulk_history_create(records, update=update, default_user=User(pk=stamp.user_id),
                                        default_change_reason=stamp.reason, default_date=stamp.date, batch_size=500)

