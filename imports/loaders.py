"""Loaders of validated rows: PostgreSQL (rows validated in a thread and COPied chunk by chunk into TEMP
staging, written as they come while the file is clean, then set-based checks over the whole file) and a
plain ORM path (bulk_create/bulk_update) for SQLite. Both run inside the caller's transaction and commit
nothing unless the whole file is clean; both report the same errors with the same messages, and both
write the history rows of every record they create or change (imports.history), chunk by chunk.
"""
from __future__ import annotations

import copy
import io
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reform.models import Unit, User
from reports import locking

from . import history
from .choices import ImportKind
from .columns import MODELS
from .history import HistoryStamp
from .validation import KEY_COLUMN, NATURAL_KEYS, STAGING_FIELDS, ErrorSink

Progress = Callable[[int], None]
PROGRESS_EVERY = 10000
CHUNK_ROWS = 10000  # rows validated, staged and written at a time on PostgreSQL (progress is reported per chunk)
COPY_BUFFER = 1 << 20

# Staging column types (PostgreSQL) of each field.
PG_TYPES = {
    "unit_code": "text", "number": "text", "doc_type": "text", "title": "text", "issued_on": "date", "year": "integer",
    "is_digitized": "boolean", "sent_electronically": "boolean", "needs_review": "boolean", "held_on": "date",
    "duration_days": "numeric", "format": "text", "category": "text", "scope": "text", "is_regular_session": "boolean",
    "exception_approved": "boolean", "exception_ref": "text", "reheld_after_online": "boolean",
    "budget_allocated": "bigint", "budget_spent": "bigint", "opening_speech_min": "integer",
    "closing_speeches_min": "integer", "longest_presentation_min": "integer", "participants": "integer",
    "quarter": "integer", "procedures_total": "bigint", "procedures_digital": "bigint",
    "number_key": "text",  # a document's number as uniqueness compares it (documents.symbols.number_key)
}


def unknown_unit_message() -> str:
    return _("Unknown unit code “%(code)s”.")


def out_of_scope_message() -> str:
    return _("Unit “%(code)s” is not your unit nor below it: you can only upload rows for your own unit and the units below it.")


def duplicate_message() -> str:
    return _("The same record appears twice in the file: this row repeats line %(first)s.")


@dataclass
class LoadResult:
    ok: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0  # rows with an error (a check only also counts what the other rows would do)
    unit_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (PostgreSQL), for the log

    def add(self, part: LoadResult) -> None:
        """Count in what a partial write (a chunk, or the rows after the last chunk written) did."""
        self.created += part.created
        self.updated += part.updated
        self.unit_ids |= part.unit_ids
        self.years |= part.years


def _model_column(name: str) -> str:
    """The database column of a staging field in the register's table."""
    return {"unit_code": "unit_id", "doc_type": "doc_type_id"}.get(name, name)


def _record_year_sql(model, alias: str) -> str:
    """The year a written record counts in (as `UnitRecord.record_year`), in SQL over the register's table."""
    if model.dated_by_quarter():
        return f"{alias}.year"
    return f"extract(year FROM {alias}.{model.RECORD_DATE_FIELD})::integer"


# --------------------------------------------------------------------------------------------- PostgreSQL

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    cls = value.__class__
    if cls is str:
        # `in` is a fast scan in C; `translate` goes character by character through a dict.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if value is None:
        return "\\N"
    if cls is bool:
        return "t" if value else "f"
    return str(value)  # int, Decimal, and date (str() is its ISO form)


class CopyStream:
    """A file-like `read()` that pulls rows from a generator and formats them for `COPY ... FROM STDIN`.

    psycopg2's `copy_expert` reads it chunk by chunk, so memory stays flat (used for the error list).
    """

    def __init__(self, rows: Iterator[tuple], progress: Progress | None):
        self.rows = rows
        self.progress = progress
        self.count = 0
        self.error: BaseException | None = None

    def read(self, size: int = 65536) -> str:
        try:
            parts = []
            length = 0
            for row in self.rows:
                line = "\t".join(map(_copy_text, row)) + "\n"
                parts.append(line)
                length += len(line)
                self.count += 1
                if self.progress and self.count % PROGRESS_EVERY == 0:
                    self.progress(self.count)
                if length >= size:
                    break
            return "".join(parts)
        except BaseException as error:  # kept: psycopg2 replaces it with a generic COPY error
            self.error = error
            raise

    readline = read


@dataclass
class _Chunk:
    text: str  # the rows as COPY text
    rows: int
    last_line: int
    clean: bool  # no row up to this one (this chunk included) had an error in Python


_END = object()


class ChunkProducer:
    """Runs the per-row Python (parse, validate, format as COPY text) in a thread, `chunk_rows` rows at a time.

    The upload's time is mostly PostgreSQL's (index and foreign-key work of the upsert) and Python's (one
    row at a time), on different cores: while the server writes chunk n, this thread prepares chunk n+1
    (psycopg2 releases the GIL while it waits for the server). The thread touches no database; it runs
    in the caller's language, so that the error messages it writes are translated alike. At most
    `ahead` chunks wait in the queue, so memory stays flat.
    """

    def __init__(self, rows: Iterator[tuple], sink: ErrorSink, *, chunk_rows: int = CHUNK_ROWS, ahead: int = 2):
        self.rows = rows
        self.sink = sink
        self.chunk_rows = chunk_rows
        self.queue: queue.Queue = queue.Queue(maxsize=ahead)
        self.stopping = threading.Event()
        self.language = translation.get_language()
        self.thread = threading.Thread(target=self._run, name="imports-rows", daemon=True)

    def __iter__(self) -> Iterator[_Chunk]:
        self.thread.start()
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread (the load may end early, on a database error) and wait for it."""
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join()

    def _put(self, item: Any) -> bool:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            with translation.override(self.language):
                parts: list[str] = []
                append = parts.append
                join = "\t".join
                size = self.chunk_rows
                line = 0
                for row in self.rows:
                    append(join(map(_copy_text, row)) + "\n")
                    if len(parts) >= size:
                        line = row[0]
                        if not self._put(_Chunk("".join(parts), len(parts), line, self.sink.count == 0)):
                            return
                        parts.clear()
                    elif self.stopping.is_set():
                        return
                if parts:
                    self._put(_Chunk("".join(parts), len(parts), row[0], self.sink.count == 0))
            self._put(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the loading thread, which raises it
            self._put(error)


class PostgresLoader:
    """COPY into a TEMP staging table chunk by chunk, set-based checks in SQL, then the upsert.

    While the file is clean so far, each chunk is upserted as soon as it is staged (its foreign keys
    checked then, not all at commit), overlapping the server's work with the validation of the next
    chunk. That write is speculative: the checks that need the whole file (unknown and out-of-scope
    units, duplicates within the file, period locks) run afterwards on the staging table, and any error
    refuses the file, which rolls the whole transaction back, chunks written included. Writes join the
    units the user may edit, so no row of another unit is ever written, even for a moment. Rows not yet
    written (after a database error on a chunk, or for registers without a unique natural key) are
    written by one upsert once the checks have passed, as before.
    """

    def __init__(self, *, kind: str, user: User, sink: ErrorSink, stamp: HistoryStamp, dry_run: bool = False):
        self.kind = kind
        self.user = user
        self.sink = sink
        self.stamp = stamp  # who, when and why, on the history rows of every record written
        # A check only: no speculative chunk writes; once the checks are done the rows without an error
        # are written by one upsert (to count what would be created and updated), which the caller rolls back.
        self.dry_run = dry_run
        self.fields = STAGING_FIELDS[kind]
        self.model = MODELS[kind]
        self.table = self.model._meta.db_table
        self.timings: dict[str, float] = {}
        self.inserting = True  # no chunk has met an existing row yet
        self.errors_collected = False

    def load(self, rows: Iterator[tuple], progress: Progress | None = None) -> LoadResult:
        clock = time.perf_counter
        started = clock()
        columns = ", ".join(self.fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock(hashtext('imports:{self.kind}'))")
            types = ", ".join(f"{name} {PG_TYPES[name]}" for name in self.fields)
            cursor.execute("DROP TABLE IF EXISTS import_staging, import_chunk, import_errors, import_units")
            cursor.execute(f"CREATE TEMP TABLE import_staging (line integer, {types}) ON COMMIT DROP")
            cursor.execute(f"CREATE TEMP TABLE import_chunk (line integer, {types}) ON COMMIT DROP")
            cursor.execute("CREATE TEMP TABLE import_errors (line integer, col text, message text) ON COMMIT DROP")
            editable_sql, editable_params = Unit.objects.editable_by(self.user).values("id").query.sql_with_params()
            # The units this user may write: the writes join on it, so no row of another unit is ever written.
            cursor.execute(f"CREATE TEMP TABLE import_units ON COMMIT DROP AS "
                           f"SELECT code, id FROM reform_unit WHERE id IN ({editable_sql})", editable_params)
            cursor.execute("ANALYZE import_units")
            # The register's foreign keys are DEFERRABLE INITIALLY DEFERRED (Django's default): checked at
            # commit, all 2 x rows of them at once, with nothing else to overlap. Immediate, they are
            # checked by each chunk's statement, while the next chunk is validated. Same checks, earlier;
            # set back before returning (the caller's transaction may go on).
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' AND condeferred",
                [self.table],
            )
            deferred = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
            if deferred:
                cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
            result = LoadResult(ok=True)
            # Conferences have no unique key to upsert on: written at the end.
            writing = self.kind != ImportKind.CONFERENCES and not self.dry_run
            written_upto = 0  # rows up to this line are written
            total = 0
            producer = ChunkProducer(rows, self.sink, chunk_rows=CHUNK_ROWS)
            waited = copying = writes = 0.0
            # Between its database calls this thread needs the GIL back from the validating thread, which
            # by default keeps it up to 5 ms: a few waits per chunk add up to a second on 200,000 rows.
            switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(switch_interval, 0.0005))
            try:
                mark = clock()
                for chunk in producer:
                    now = clock()
                    waited += now - mark
                    cursor.copy_expert(f"COPY import_chunk (line, {columns}) FROM STDIN", io.StringIO(chunk.text),
                                       COPY_BUFFER)
                    mark = clock()
                    copying += mark - now
                    writing = writing and chunk.clean and self._write_chunk(cursor, result)
                    if writing:
                        written_upto = chunk.last_line
                    now = clock()
                    writes += now - mark
                    cursor.execute("INSERT INTO import_staging SELECT * FROM import_chunk; TRUNCATE import_chunk")
                    total += chunk.rows
                    if progress:
                        progress(total)
                    mark = clock()
                    copying += mark - now
            finally:
                sys.setswitchinterval(switch_interval)
                producer.close()
            self.timings.update(stream_s=clock() - started, waiting_for_rows_s=waited, staging_s=copying,
                                chunk_writes_s=writes)
            mark = clock()
            self._check(cursor)
            cursor.execute("SELECT count(*) FROM import_errors")
            sql_errors = cursor.fetchone()[0]
            self.timings["checks_s"] = clock() - mark
            if self.sink.count or sql_errors:
                result = LoadResult(ok=False, rows=total, refused=self._refused_rows(cursor))
                if self.dry_run:
                    # What the file would do once its bad rows are corrected: the other rows, written
                    # (and rolled back by the caller) exactly as a clean file's are.
                    cursor.execute("DELETE FROM import_staging s USING import_errors e WHERE e.line = s.line")
                    try:
                        with transaction.atomic():
                            result.add(self._upsert(cursor, source="import_staging"))
                    except DatabaseError:
                        pass  # the counts stay 0: the errors listed say why
                if deferred:
                    cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
                return result
            mark = clock()
            if total and (not writing or written_upto < chunk.last_line):
                result.add(self._upsert(cursor, source="import_staging", after_line=written_upto))
            if deferred:
                cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
            self.timings["final_write_s"] = clock() - mark
            result.rows = total
            result.unchanged = total - result.created - result.updated
            result.timings = self.timings
            return result

    def _write_chunk(self, cursor, result: LoadResult) -> bool:
        """Write the staged chunk; False (and nothing of it written) when the database refuses it.

        Until a chunk meets a row that exists already, a chunk is first tried as a plain INSERT: ON
        CONFLICT costs a speculative insertion per row (~7 % of the server's time on a first upload).
        The first conflict rolls that chunk back to its savepoint and it, and every chunk after it, is
        upserted. A refusal of the upsert (e.g. the same key twice in the chunk) is left to the checks to
        report, or, if they find nothing, to the final upsert to raise as before.
        """
        done = None
        try:
            if self.inserting:
                try:
                    with transaction.atomic():
                        done = self._upsert(cursor, source="import_chunk", plain=True)
                except IntegrityError:
                    self.inserting = False
            if done is None:
                with transaction.atomic():
                    done = self._upsert(cursor, source="import_chunk")
        except DatabaseError:
            return False
        result.add(done)
        return True

    def _collect_errors(self, cursor) -> None:
        """Add Python's errors (the sink) to SQL's, in import_errors (once)."""
        if self.errors_collected:
            return
        rows = ((line, column, message) for line, column, message in self.sink)
        cursor.copy_expert("COPY import_errors (line, col, message) FROM STDIN", CopyStream(rows, None), 1 << 17)
        self.errors_collected = True

    def _refused_rows(self, cursor) -> int:
        self._collect_errors(cursor)
        cursor.execute("SELECT count(DISTINCT line) FROM import_errors")
        return cursor.fetchone()[0]

    def sorted_errors(self, python_errors: ErrorSink) -> Iterator[tuple[int | None, str, str]]:
        """Every error, Python's and SQL's, ordered by line (call after a failed `load`)."""
        with connection.cursor() as cursor:
            self._collect_errors(cursor)
        # A named (server-side) cursor streams them back however many there are.
        with connection.connection.cursor(name="import_errors_cursor") as cursor:
            cursor.itersize = 5000
            cursor.execute("SELECT line, col, message FROM import_errors ORDER BY line NULLS FIRST, col")
            yield from cursor

    # -- checks

    def _check(self, cursor) -> None:
        cursor.execute(
            """
            INSERT INTO import_errors (line, col, message)
            SELECT s.line, 'unit_code',
                   replace(CASE WHEN u.id IS NULL THEN %s ELSE %s END, '%%(code)s', s.unit_code)
              FROM import_staging s LEFT JOIN import_units e ON e.code = s.unit_code
                   LEFT JOIN reform_unit u ON u.code = s.unit_code
             WHERE s.unit_code IS NOT NULL AND e.code IS NULL
            """,
            [unknown_unit_message(), out_of_scope_message()],
        )
        key = NATURAL_KEYS[self.kind]
        not_null = " AND ".join(f"{name} IS NOT NULL" for name in key)
        join = " AND ".join(f"s.{name} = d.{name}" for name in key)
        cursor.execute(
            f"""
            INSERT INTO import_errors (line, col, message)
            SELECT s.line, %s, replace(%s, '%%(first)s', d.first_line::text)
              FROM import_staging s
              JOIN (SELECT {', '.join(key)}, min(line) AS first_line FROM import_staging
                     WHERE {not_null} GROUP BY {', '.join(key)} HAVING count(*) > 1) d ON {join}
             WHERE s.line > d.first_line
            """,
            [KEY_COLUMN[self.kind], duplicate_message()],
        )
        self._check_locks(cursor)

    def _check_locks(self, cursor) -> None:
        locking.staged_locks_insert(cursor, model=self.model, staging="import_staging", errors="import_errors")

    # -- the write

    def _upsert(self, cursor, *, source: str, after_line: int = 0, plain: bool = False) -> LoadResult:
        """Upsert the rows of `source` (a staging table) after `after_line`, joined to the writable units.

        `plain`: a plain INSERT, which raises IntegrityError on a row that exists already.
        """
        data = [name for name in self.fields if name != "unit_code"]
        target = ["unit_id", *[_model_column(name) for name in data], "created_at", "updated_at"]
        select = ["u.id", *[f"s.{name}" for name in data], "now()", "now()"]
        compared = [_model_column(name) for name in data]
        year = _record_year_sql(self.model, "t")
        source = f"FROM {source} s JOIN import_units u ON u.code = s.unit_code AND s.line > {int(after_line)}"
        # The history rows of what the statement writes (see imports.history), in the same statement: the
        # state after, of every record inserted ('+') or changed ('~'), and the state before, of the changed
        # records without any history yet (a CTE reads the table as it was before the statement: joined
        # to the rows the upsert returns, only changed rows cost a lookup).
        returned = ", ".join(f"t.{column}" for column in history.tracked_columns(self.model))
        if self.kind == ImportKind.CONFERENCES:
            return self._update_then_insert(cursor, data, target, select, compared, source, returned)
        conflict = ", ".join(_model_column(name) if name != "unit_code" else "unit_id" for name in NATURAL_KEYS[self.kind])
        sets = ", ".join(f"{column} = EXCLUDED.{column}" for column in [*compared, "updated_at"])
        on_conflict = "" if plain else (
            f"ON CONFLICT ({conflict}) DO UPDATE SET {sets} "
            f"WHERE ({', '.join(f't.{c}' for c in compared)}) IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in compared)})"
        )
        before = "" if plain else (
            f", before AS ({history.baseline_sql(self.model, changed='up', where='NOT c.inserted')})"
        )
        after = history.insert_sql(self.model, alias="up", select_from="FROM up",
                                   history_type="CASE WHEN up.inserted THEN '+' ELSE '~' END")
        cursor.execute(
            f"""
            WITH up AS (
                INSERT INTO {self.table} AS t ({', '.join(target)})
                SELECT {', '.join(select)} {source} ORDER BY {conflict.replace('unit_id', 'u.id')}
                {on_conflict}
                RETURNING (xmax = 0) AS inserted, {year} AS record_year, {returned}
            ), after AS ({after}){before}
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                   coalesce(array_agg(DISTINCT unit_id), '{{}}'), coalesce(array_agg(DISTINCT record_year), '{{}}')
              FROM up
            """,
            history.params(self.stamp),
        )
        created, updated, unit_ids, years = cursor.fetchone()
        return LoadResult(ok=True, created=created, updated=updated, unit_ids=set(unit_ids), years=set(years))

    def _update_then_insert(self, cursor, data, target, select, compared, source, returned) -> LoadResult:
        """Conferences have no unique constraint on their natural key: update the matches, insert the rest."""
        match = "t.unit_id = u.id AND t.held_on = s.held_on AND t.title = s.title"
        sets = ", ".join(f"{column} = s.{name}" for column, name in zip(compared, data))
        before = history.baseline_sql(self.model, changed="up", where="true")
        cursor.execute(
            f"""
            WITH up AS (
                UPDATE {self.table} t SET {sets}, updated_at = now()
                  {source}
                 WHERE {match}
                   AND ({', '.join(f't.{c}' for c in compared)}) IS DISTINCT FROM ({', '.join(f's.{n}' for n in data)})
                RETURNING s.line, {_record_year_sql(self.model, "t")} AS record_year, {returned}
            ), after AS ({history.insert_sql(self.model, alias="up", select_from="FROM up", history_type="'~'")}),
            before AS ({before})
            SELECT count(DISTINCT line), coalesce(array_agg(DISTINCT unit_id), '{{}}'),
                   coalesce(array_agg(DISTINCT record_year), '{{}}') FROM up
            """,
            history.params(self.stamp),
        )
        updated, unit_ids, years = cursor.fetchone()
        cursor.execute(
            f"""
            WITH ins AS (
                INSERT INTO {self.table} AS n ({', '.join(target)})
                SELECT {', '.join(select)} {source}
                 WHERE NOT EXISTS (SELECT 1 FROM {self.table} t WHERE {match})
                RETURNING {_record_year_sql(self.model, "n")} AS record_year, {', '.join(f"n.{c}" for c in history.tracked_columns(self.model))}
            ), after AS ({history.insert_sql(self.model, alias="ins", select_from="FROM ins", history_type="'+'")})
            SELECT count(*), coalesce(array_agg(DISTINCT unit_id), '{{}}'), coalesce(array_agg(DISTINCT record_year), '{{}}')
              FROM ins
            """,
            history.params(self.stamp),
        )
        created, new_units, new_years = cursor.fetchone()
        return LoadResult(ok=True, created=created, updated=updated, unit_ids={*unit_ids, *new_units},
                          years={*years, *new_years})


# --------------------------------------------------------------------------------------------- ORM (SQLite)


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
                to_create.append(model(**values))
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
        history.orm_write(model, stamp=self.stamp, created=to_create, updated=to_update, before=before)


def _differs(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) and new is not None:
        return stored != Decimal(new)
    return stored != new


def loader_for(*, kind: str, user: User, sink: ErrorSink, stamp: HistoryStamp, dry_run: bool = False,
               force_orm: bool = False):
    if connection.vendor == "postgresql" and not force_orm:
        return PostgresLoader(kind=kind, user=user, sink=sink, stamp=stamp, dry_run=dry_run)
    return OrmLoader(kind=kind, user=user, sink=sink, stamp=stamp, dry_run=dry_run)
