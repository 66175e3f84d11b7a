"""The ORM loader, for SQLite: the PostgreSQL loader's checks in Python, writes with bulk_create/bulk_update."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone

from reform.models import Unit, User
from reports import locking

from .. import history
from ..columns import MODELS
from ..history import HistoryStamp
from ..validation import KEY_COLUMN, NATURAL_KEYS, STAGING_FIELDS, ErrorSink
from .common import (
    PROGRESS_EVERY, LoadResult, Progress, _model_column, duplicate_message, out_of_scope_message,
    unknown_unit_message,
)


class OrmLoader:
    """The plain path: the same checks in Python, writes with bulk_create/bulk_update, chunk by chunk.

    Chunks are written as they come (inside the caller's transaction); after the first error nothing
    more is written and the caller rolls back, but every row is still checked so every error is listed.
    A check only (`dry_run`) goes on writing the rows without an error, to count them; the caller rolls back.
    """

    chunk_size = 2000

    def __init__(self, *, kind: str, user: User, sink: ErrorSink, stamp: HistoryStamp, dry_run: bool = False):
        self.kind = kind
        self.user = user
        self.sink = sink
        self.stamp = stamp
        self.dry_run = dry_run
        self.bad_lines: set[int] = set()
        self.errors_seen = 0  # the sink's count after the previous row: more means this row has errors
        self.fields = STAGING_FIELDS[kind]
        self.index = {name: i + 1 for i, name in enumerate(self.fields)}
        self.model = MODELS[kind]
        self.units = dict(Unit.objects.values_list("code", "id"))
        self.paths = dict(Unit.objects.values_list("id", "path"))
        self.editable = set(Unit.objects.editable_by(user).values_list("id", flat=True))
        self.key = [self.index[name] for name in NATURAL_KEYS[kind]]
        self.seen: dict[tuple, int] = {}
        self.result = LoadResult(ok=True)
        self.windows: dict[str, list] = {}

    def load(self, rows: Iterator[tuple], progress: Progress | None = None) -> LoadResult:
        chunk: list[tuple] = []
        for row in rows:  # each row is validated as it is drawn, so the sink's new errors are its own
            self.result.rows += 1
            if self._check_row(row):
                chunk.append(row)
            if self.sink.count > self.errors_seen:
                self.bad_lines.add(row[0])
            if len(chunk) >= self.chunk_size:
                self._flush(chunk)
                chunk = []
            self.errors_seen = self.sink.count
            if progress and self.result.rows % PROGRESS_EVERY == 0:
                progress(self.result.rows)
        self._flush(chunk)
        if progress:
            progress(self.result.rows)
        result = self.result
        result.ok = self.sink.count == 0
        result.refused = len(self.bad_lines)
        result.unchanged = result.rows - result.created - result.updated
        return result

    def _check_row(self, row: tuple) -> bool:
        line, code = row[0], row[1]
        ok = True
        if code is not None:
            unit_id = self.units.get(code)
            if unit_id is None:
                self.sink.add(line, "unit_code", unknown_unit_message() % {"code": code})
                ok = False
            elif unit_id not in self.editable:
                self.sink.add(line, "unit_code", out_of_scope_message() % {"code": code})
                ok = False
        key = tuple(row[i] for i in self.key)
        if None not in key:
            first = self.seen.setdefault(key, line)
            if first != line:
                self.sink.add(line, KEY_COLUMN[self.kind], duplicate_message() % {"first": first})
                ok = False
        return ok

    def _check_locks(self, chunk: list[tuple]) -> None:
        paths = {self.paths[self.units[row[1]]] for row in chunk}
        missing = paths - self.windows.keys()
        if missing:
            self.windows.update(locking.locked_windows_for(missing))
        i, model = self.index, self.model
        for row in chunk:
            span = locking.span_of(model.record_date_from(lambda name: row[i[name]]))
            report = locking.covering(self.windows.get(self.paths[self.units[row[1]]], []), span) if span else None
            if report is not None:
                self.sink.add(row[0], model.RECORD_DATE_FIELD, locking.lock_message(report))
                self.bad_lines.add(row[0])

    def _flush(self, chunk: list[tuple]) -> None:
        chunk = [row for row in chunk if row[1] is not None]
        if not chunk:
            return
        self._check_locks(chunk)
        if self.sink.count and not self.dry_run:
            return  # the file is refused: keep checking, stop writing
        chunk = [row for row in chunk if row[0] not in self.bad_lines]
        model, i = self.model, self.index
        data = [name for name in self.fields if name != "unit_code"]
        attrs = [_model_column(name) for name in data]
        key_attrs = ["unit_id", *[_model_column(n) for n in NATURAL_KEYS[self.kind][1:]]]
        wanted = {}
        for row in chunk:
            values = {"unit_id": self.units[row[1]], **{attr: row[i[name]] for attr, name in zip(attrs, data)}}
            wanted[(row[0])] = values
        lookup = {f"{attr}__in": {values[attr] for values in wanted.values()} for attr in key_attrs}
        existing: dict[tuple, list] = {}
        for obj in model.objects.filter(**lookup):
            existing.setdefault(tuple(getattr(obj, attr) for attr in key_attrs), []).append(obj)
        now = timezone.now()
        to_create, to_update, before = [], [], []
        for values in wanted.values():
            key = tuple(values[attr] for attr in key_attrs)
            matches = existing.get(key)
            year = model.record_year_from(values.get)
            if not matches:
                to_create.append(model(**values, upload_id=self.stamp.batch_id))  # its creation's record
                self.result.created += 1
            else:
                changed = False
                for obj in matches:
                    if any(_differs(getattr(obj, attr), values[attr]) for attr in attrs):
                        before.append(copy.copy(obj))
                        for attr in attrs:
                            setattr(obj, attr, values[attr])
                        obj.updated_at = now
                        to_update.append(obj)
                        changed = True
                if not changed:
                    continue
                self.result.updated += 1
            self.result.unit_ids.add(values["unit_id"])
            self.result.years.add(year)
        model.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            model.objects.bulk_update(to_update, [*attrs, "updated_at"], batch_size=500)
        history.orm_write(model, stamp=self.stamp, updated=to_update, before=before)


def _differs(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) and new is not None:
        return stored != Decimal(new)
    return stored != new
