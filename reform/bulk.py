"""Bulk writes: PostgreSQL's `COPY ... FROM STDIN` fed as the server asks, a batched INSERT on other databases.

The one writer of the compliance engine (its results and roll-ups), the uploads (their staging tables) and the demo
data. Rows are tuples of Python values written in COPY's text format: None is NULL, booleans t/f, dates and
datetimes ISO 8601, dicts JSON (`JSONText`: JSON already encoded), anything else as `str()` prints it (ints,
Decimals). It bypasses `Model.save()` and the ORM's per-field work: callers give the stored values.
"""
from __future__ import annotations

import datetime
import io
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

COPY_CHUNK = 1 << 18  # characters PostgreSQL gets per read of a streamed COPY
INSERT_BATCH = 50_000  # rows per executemany where there is no COPY


def _json_encoder() -> Callable[[Any], str]:
    """json.dumps for plain data, without building an encoder per call (the C encoder, made once; 3x faster
    on small dicts). ASCII escapes: jsonb and SQLite's JSON decode them to the same text."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return json.dumps
    encode = make(None, None, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))


to_json = _json_encoder()


class JSONText(str):
    """A value already encoded as JSON (written as it is, not encoded again)."""


def copy_field(value: Any) -> str:
    """One value as a field of COPY's text format."""
    cls = value.__class__
    if cls is str or cls is JSONText:
        # `in` is a fast scan in C, and most text has none of the four characters to escape.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return "\\N"
    if cls is int:
        return str(value)
    if cls is bool:
        return "t" if value else "f"
    if cls is dict or cls is list:
        return copy_field(to_json(value))
    if cls is datetime.datetime:
        return value.isoformat()
    return str(value)  # Decimal; a date's str() is its ISO form


def copy_line(row: Iterable[Any]) -> str:
    """One row as a line of COPY's text format."""
    return "\t".join(map(copy_field, row)) + "\n"


class CopyStream:
    """A file for `COPY ... FROM STDIN` that formats rows only when PostgreSQL asks for more: memory stays flat, and
    the server inserts one chunk (in its own process, on another core) while Python formats the next.

    `shared`: rows are triples (first, middle, last): `first` the row's own leading field (a unit id), `middle` and
    `last` tuples of the fields after it that many rows share (the engine's key, the figures of identical results),
    so the text of each distinct tuple is made once.
    """

    def __init__(self, rows: Iterable, *, shared: bool = False) -> None:
        self.rows = iter(rows)
        self.shared = shared
        # id -> (tuple, text); holding the tuple keeps it alive, so its id cannot be reused by another one.
        self.texts: dict[int, tuple[tuple, str]] = {}
        self.count = 0

    def _text(self, fields: tuple) -> str:
        text = "\t".join(map(copy_field, fields))
        self.texts[id(fields)] = (fields, text)
        return text

    def read(self, size: int = COPY_CHUNK) -> str:
        parts, length = [], 0
        if self.shared:
            texts = self.texts
            for first, middle, last in self.rows:
                cached = texts.get(id(middle))
                middle_text = cached[1] if cached else self._text(middle)
                cached = texts.get(id(last))
                line = f"{first}\t{middle_text}\t{cached[1] if cached else self._text(last)}\n"
                parts.append(line)
                length += len(line)
                if length >= size:
                    break
        else:
            for row in self.rows:
                line = copy_line(row)
                parts.append(line)
                length += len(line)
                if length >= size:
                    break
        self.count += len(parts)
        return "".join(parts)

    readline = read


def copy_into(cursor, table: str, columns: Sequence[str], source: str | Iterable | CopyStream, *,
              size: int = COPY_CHUNK) -> int:
    """`COPY table (columns) FROM STDIN` on PostgreSQL from rows (streamed), a CopyStream, or text already in COPY's
    format (lines made by `copy_line`, e.g. in another thread), read `size` characters at a time; returns how many
    rows were sent."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    if isinstance(source, str):
        cursor.copy_expert(sql, io.StringIO(source), size)
        return source.count("\n")
    stream = source if isinstance(source, CopyStream) else CopyStream(source)
    cursor.copy_expert(sql, stream, size)
    return stream.count


def _field(model: type[models.Model], column: str) -> models.Field:
    return model._meta.get_field(column.removesuffix("_id"))


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value is handed to the database driver of a database without COPY (SQLite), by field type."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda v: v if isinstance(v, JSONText) else json.dumps(v, ensure_ascii=False)
    if isinstance(field, models.DateTimeField):
        return lambda v: field.get_db_prep_value(v, connection)
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return None


def write(model: type[models.Model], columns: Sequence[str], rows: Iterable, *, table: str | None = None,
          shared: bool = False) -> int:
    """Insert `rows` (values in `columns` order; a `_id` column is its foreign key's) into `model`'s table, or into
    `table` (another table with its columns), and return how many: a streamed COPY on PostgreSQL, executemany of
    a plain INSERT in large batches elsewhere (bulk_create would split 200,000 rows into thousands of statements
    under SQLite's variable limit). `rows` may be a generator, consumed once; `shared`: see CopyStream."""
    fields = [_field(model, column) for column in columns]
    names = [field.column for field in fields]
    table = table or model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return copy_into(cursor, table, names, CopyStream(rows, shared=shared))
        return insert_batches(cursor, table, fields, rows, shared=shared)


def insert_batches(cursor, table: str, fields: Sequence[models.Field], rows: Iterable, *, shared: bool = False) -> int:
    """`write` where there is no COPY: executemany of a plain INSERT, INSERT_BATCH rows at a time."""
    ops = connection.ops
    adapters = [_adapter(field) for field in fields]
    sql = (f"INSERT INTO {ops.quote_name(table)} ({', '.join(ops.quote_name(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    # One iterator for the whole loop: islice over a list would start again at its first row each batch.
    flat = ((first, *middle, *last) for first, middle, last in rows) if shared else iter(rows)
    count = 0
    while batch := list(itertools.islice(flat, INSERT_BATCH)):
        cursor.executemany(sql, [[value if adapt is None or value is None else adapt(value)
                                  for value, adapt in zip(row, adapters)] for row in batch])
        count += len(batch)
    return count


class BulkWriter:
    """Rows of one model gathered and written `flush_rows` at a time (see `write`)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, flush_rows: int = 100_000) -> None:
        self.model, self.columns, self.flush_rows = model, tuple(columns), flush_rows
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, rows: Iterable[tuple]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.written += write(self.model, self.columns, self.rows)
            self.rows = []
