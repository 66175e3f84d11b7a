"""The PostgreSQL loader: COPY into TEMP staging chunk by chunk, set-based checks in SQL, then the upsert with the
history rows of what it writes (see `PostgresLoader`)."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator

from django.db import DatabaseError, IntegrityError, connection, transaction

from reform.bulk import copy_into
from reform.models import Unit, User
from reports import locking

from .. import history
from ..choices import ImportKind
from ..columns import MODELS
from ..history import HistoryStamp
from ..validation import KEY_COLUMN, NATURAL_KEYS, STAGING_FIELDS, ErrorSink
from .common import (
    LoadResult, Progress, _model_column, _record_year_sql, duplicate_message, out_of_scope_message,
    unknown_unit_message,
)
from .copying import ChunkProducer

# Rows validated, staged and written at a time (progress is reported per chunk). Each chunk costs a few round
# trips and statements (~4 ms of server time, and ~10 ms of waiting per round trip on a loaded server). The
# first chunks are smaller (2,000 rows, doubling): the server has nothing to do until the first one is
# validated, then writes each chunk while the next one is validated. 200,000 rows make 11 chunks.
CHUNK_ROWS = 25000
FIRST_CHUNK_ROWS = 2000

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


class PostgresLoader:
    """COPY into a TEMP staging table chunk by chunk, set-based checks in SQL, then the upsert.

    While the file is clean so far, each chunk is upserted as soon as it is staged (its foreign keys
    checked then, not all at commit), overlapping the server's work with the validation of the next
    chunk. That write is speculative: the checks that need the whole file (unknown and out-of-scope
    units, duplicates within the file, period locks) run afterwards on the staging table, and any error
    refuses the file, which rolls the whole transaction back, chunks written included. When every row went
    in as new (plain INSERTs), the register's unique key and the join have already made the unit and
    duplicate checks, and only the locks are left to check. Writes join the units the user may edit, so no
    row of another unit is ever written, even for a moment. Rows not yet written (after a database error on
    a chunk, or for registers without a unique natural key) are written by one upsert once the checks have
    passed, as before.
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
        with connection.cursor() as cursor:
            types = ", ".join(f"{name} {PG_TYPES[name]}" for name in self.fields)
            editable_sql, editable_params = Unit.objects.editable_by(self.user).values("id").query.sql_with_params()
            # One round trip for the set-up (each costs ~10 ms on a loaded server, the server idle meanwhile).
            # import_units: the units this user may write; the writes join on it, so no row of another unit is
            # ever written. import_tally: what each write did (the chunk's statements end with the staging of
            # the chunk, so they return nothing).
            cursor.execute(
                f"SELECT pg_advisory_xact_lock(hashtext('imports:{self.kind}'));"
                "DROP TABLE IF EXISTS import_staging, import_chunk, import_errors, import_units, import_tally;"
                f"CREATE TEMP TABLE import_staging (line integer, {types}) ON COMMIT DROP;"
                f"CREATE TEMP TABLE import_chunk (line integer, {types}) ON COMMIT DROP;"
                "CREATE TEMP TABLE import_errors (line integer, col text, message text) ON COMMIT DROP;"
                "CREATE TEMP TABLE import_tally (created bigint, updated bigint, unit_ids bigint[], years integer[]) "
                "ON COMMIT DROP;"
                f"CREATE TEMP TABLE import_units ON COMMIT DROP AS SELECT code, id FROM reform_unit "
                f"WHERE id IN ({editable_sql});"
                "ANALYZE import_units",
                editable_params,
            )
            # The foreign keys of the register and of its history are DEFERRABLE INITIALLY DEFERRED (Django's
            # default): checked at commit, 3 x rows of them at once, with nothing else to overlap. Immediate,
            # they are checked by each chunk's statement, while the next chunk is validated. Same checks,
            # earlier; set back before returning (the caller's transaction may go on).
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid IN (%s::regclass, %s::regclass) "
                "AND contype = 'f' AND condeferred",
                [self.table, history.history_table(self.model)],
            )
            deferred = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
            if deferred:
                cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
            result = LoadResult(ok=True)
            # Conferences have no unique key to upsert on: written at the end.
            writing = self.kind != ImportKind.CONFERENCES and not self.dry_run
            written_upto = 0  # rows up to this line are written
            total = 0
            producer = ChunkProducer(rows, self.sink, chunk_rows=CHUNK_ROWS, first_rows=min(FIRST_CHUNK_ROWS, CHUNK_ROWS))
            waited = copying = writes = reporting = 0.0
            # Between its database calls this thread needs the GIL back from the validating thread, which
            # by default keeps it up to 5 ms: a few waits per chunk add up to a second on 200,000 rows.
            switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(switch_interval, 0.0005))
            try:
                mark = clock()
                for chunk in producer:
                    now = clock()
                    waited += now - mark
                    copy_into(cursor, "import_chunk", ("line", *self.fields), chunk.text, size=len(chunk.text) + 1)
                    mark = clock()
                    copying += mark - now
                    writing = self._write_chunk(cursor, write=writing and chunk.clean)
                    if writing:
                        written_upto = chunk.last_line
                    now = clock()
                    writes += now - mark
                    total += chunk.rows
                    if progress:
                        progress(total)
                    mark = clock()
                    reporting += mark - now
            finally:
                sys.setswitchinterval(switch_interval)
                producer.close()
            result.add(self._take_tally(cursor))
            self.timings.update(stream_s=clock() - started, waiting_for_rows_s=waited, staging_s=copying,
                                chunk_writes_s=writes, progress_s=reporting)
            mark = clock()
            # Every row written by a plain INSERT (none existed) and joined to a unit the user may edit: the
            # register's unique key has refused any duplicate within the file, and no row has a unit unknown
            # or out of scope. The period locks are left to check.
            self._check(cursor, written_as_new=writing and self.inserting and result.created == total)
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

    def _write_chunk(self, cursor, *, write: bool) -> bool:
        """Write the chunk in import_chunk (if `write`) and stage it in import_staging, in one round trip; False
        when it is not written (the database refused it, or `write` is False), nothing of it written then.

        Until a chunk meets a row that exists already, a chunk is first tried as a plain INSERT: ON
        CONFLICT costs a speculative insertion per row (~7 % of the server's time on a first upload).
        The first conflict rolls that chunk back to its savepoint and it, and every chunk after it, is
        upserted. A refusal of the upsert (e.g. the same key twice in the chunk) is left to the checks to
        report, or, if they find nothing, to the final upsert to raise as before. The savepoint is taken
        and released in the same round trip as the write (Django's atomic() would add two).
        """
        stage = "INSERT INTO import_staging SELECT * FROM import_chunk; TRUNCATE import_chunk"
        if write:
            for plain in (True, False) if self.inserting else (False,):
                sql, params = self._upsert_sql(source="import_chunk", plain=plain)
                try:
                    cursor.execute(f"SAVEPOINT import_chunk; {sql}; RELEASE SAVEPOINT import_chunk; {stage}", params)
                    return True
                except DatabaseError as error:
                    cursor.execute("ROLLBACK TO SAVEPOINT import_chunk; RELEASE SAVEPOINT import_chunk")
                    if plain and isinstance(error, IntegrityError):
                        self.inserting = False
                        continue
                    break
        cursor.execute(stage)
        return False

    def _take_tally(self, cursor) -> LoadResult:
        """What the writes since the last call did (their statements add it to import_tally)."""
        cursor.execute("DELETE FROM import_tally RETURNING created, updated, unit_ids, years")
        done = LoadResult(ok=True)
        for created, updated, unit_ids, years in cursor.fetchall():
            done.add(LoadResult(ok=True, created=created, updated=updated, unit_ids=set(unit_ids), years=set(years)))
        return done

    def _collect_errors(self, cursor) -> None:
        """Add Python's errors (the sink) to SQL's, in import_errors (once)."""
        if self.errors_collected:
            return
        rows = ((line, column, message) for line, column, message in self.sink)
        copy_into(cursor, "import_errors", ("line", "col", "message"), rows, size=1 << 17)
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

    def _check(self, cursor, *, written_as_new: bool = False) -> None:
        if written_as_new:
            self._check_locks(cursor)
            return
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

    def _upsert(self, cursor, *, source: str, after_line: int = 0) -> LoadResult:
        """Upsert the rows of `source` (a staging table) after `after_line`, joined to the writable units."""
        if self.kind == ImportKind.CONFERENCES:
            return self._update_then_insert(cursor, source=source, after_line=after_line)
        cursor.execute(*self._upsert_sql(source=source, after_line=after_line))
        return self._take_tally(cursor)

    def _select(self, source: str, after_line: int) -> tuple[list[str], list[str], list[str], list[str], str]:
        data = [name for name in self.fields if name != "unit_code"]
        # The upload on the records it creates: the record of their creation (imports.history).
        target = ["unit_id", *[_model_column(name) for name in data], "created_at", "updated_at", "upload_id"]
        select = ["u.id", *[f"s.{name}" for name in data], "now()", "now()", "%(upload)s"]
        compared = [_model_column(name) for name in data]
        source = f"FROM {source} s JOIN import_units u ON u.code = s.unit_code AND s.line > {int(after_line)}"
        return data, target, select, compared, source

    def _upsert_sql(self, *, source: str, after_line: int = 0, plain: bool = False) -> tuple[str, dict]:
        """The statement that upserts the rows of `source` after `after_line` and adds what it did to import_tally.

        `plain`: a plain INSERT, which raises IntegrityError on a row that exists already.
        """
        data, target, select, compared, source = self._select(source, after_line)
        year = _record_year_sql(self.model, "t")
        # The history rows of what the statement changes (see imports.history), in the same statement: the
        # state after ('~'), and the state before, of the changed records without any history yet (a CTE reads
        # the table as it was before the statement: joined to the rows the upsert returns, only changed rows
        # cost a lookup). The records it creates name the upload and get none; a plain INSERT creates only.
        returned = "t.unit_id" if plain else ", ".join(f"t.{c}" for c in history.tracked_columns(self.model))
        conflict = ", ".join(_model_column(name) if name != "unit_code" else "unit_id" for name in NATURAL_KEYS[self.kind])
        sets = ", ".join(f"{column} = EXCLUDED.{column}" for column in [*compared, "updated_at"])
        on_conflict = "" if plain else (
            f"ON CONFLICT ({conflict}) DO UPDATE SET {sets} "
            f"WHERE ({', '.join(f't.{c}' for c in compared)}) IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in compared)})"
        )
        # An upsert meets the rows it updates in index order; a plain INSERT of new rows gains nothing from the
        # sort (~4 % of the server's time on a first upload).
        order = "" if plain else f"ORDER BY {conflict.replace('unit_id', 'u.id')}"
        changes = ""
        if not plain:
            after = history.insert_sql(self.model, alias="up", select_from="FROM up WHERE NOT up.inserted",
                                       history_type="'~'")
            before = history.baseline_sql(self.model, changed="up", where="NOT c.inserted")
            changes = f", after AS ({after}), before AS ({before})"
        return (
            f"""
            WITH up AS (
                INSERT INTO {self.table} AS t ({', '.join(target)})
                SELECT {', '.join(select)} {source} {order}
                {on_conflict}
                RETURNING (xmax = 0) AS inserted, {year} AS record_year, {returned}
            ){changes}
            INSERT INTO import_tally
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                   coalesce(array_agg(DISTINCT unit_id), '{{}}'), coalesce(array_agg(DISTINCT record_year), '{{}}')
              FROM up
            """,
            history.params(self.stamp),
        )

    def _update_then_insert(self, cursor, *, source: str, after_line: int) -> LoadResult:
        """Conferences have no unique constraint on their natural key: update the matches, insert the rest."""
        data, target, select, compared, source = self._select(source, after_line)
        returned = ", ".join(f"t.{column}" for column in history.tracked_columns(self.model))
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
                RETURNING {_record_year_sql(self.model, "n")} AS record_year, n.unit_id
            )
            SELECT count(*), coalesce(array_agg(DISTINCT unit_id), '{{}}'), coalesce(array_agg(DISTINCT record_year), '{{}}')
              FROM ins
            """,
            history.params(self.stamp),
        )
        created, new_units, new_years = cursor.fetchone()
        return LoadResult(ok=True, created=created, updated=updated, unit_ids={*unit_ids, *new_units},
                          years={*years, *new_years})
