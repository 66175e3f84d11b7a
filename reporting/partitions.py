"""The year partitions of the compliance results (PostgreSQL; migration 0004 made the table partitioned).

A national recompute of a year does not delete and re-insert 200,000 rows into indexed pages: it writes them
into a fresh table without indexes (`YearTable.create`), builds each index in one sorted pass and swaps the
table in as the year's partition, in the same transaction (`YearTable.swap_in`). Readers see the previous
year until the commit and the new one after it; they only wait for the swap's few catalogue statements.
"""
from __future__ import annotations

from django.db import connection

from .models import ComplianceResult

TABLE = ComplianceResult._meta.db_table


def partitioned() -> bool:
    """Whether the results table is partitioned by year (PostgreSQL after migration 0004)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass)", [TABLE])
        return cursor.fetchone()[0]


class YearTable:
    """A year's results built off to the side, then swapped in as that year's partition.

    Call inside the transaction (and the advisory lock) of the recompute: if anything fails, the rollback
    drops the table being built and leaves the previous partition in place.
    """

    def __init__(self, year: int) -> None:
        self.year = int(year)
        self.name = f"{TABLE}_y{self.year}"
        self.building = f"{self.name}_new"

    def create(self) -> str:
        """Create the empty table to write the year into (same columns, defaults and checks; no index) and
        return its name. Its ids come from the results' own sequence; its check on the year lets ATTACH
        skip the scan that would prove it."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
            (sequence,) = cursor.fetchone()
            cursor.execute(
                f"CREATE TABLE {quote(self.building)} (LIKE {quote(TABLE)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
                f"ALTER TABLE {quote(self.building)} ALTER COLUMN id SET DEFAULT nextval(%s::regclass);"
                f"ALTER TABLE {quote(self.building)} ADD CONSTRAINT {quote(self.name + '_year')} "
                f"CHECK (year = {self.year})",
                [sequence],
            )
        return self.building

    def swap_in(self) -> None:
        """Index the table built, then make it the year's partition in place of the previous one."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # The results table's own indexes and key constraints, built on the new table while nobody reads
            # it (ATTACH matches them to the parent's; a constraint's index needs the constraint too).
            cursor.execute(
                """
                SELECT c.contype, pg_get_constraintdef(c.oid), pg_get_indexdef(i.indexrelid)
                  FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                 WHERE i.indrelid = %s::regclass
                 ORDER BY i.indexrelid
                """,
                [TABLE],
            )
            builds, renames = [], []
            for n, (kind, constraint, index) in enumerate(cursor.fetchall()):
                suffix = {"p": "pkey", "u": f"key{n}"}.get(kind, f"idx{n}")
                building, final = quote(f"{self.building}_{suffix}"), quote(f"{self.name}_{suffix}")
                if kind:
                    builds.append(f"ALTER TABLE {quote(self.building)} ADD CONSTRAINT {building} {constraint}")
                else:
                    method = index.split(" USING ", 1)[1]
                    builds.append(f"CREATE INDEX {building} ON {quote(self.building)} USING {method}")
                renames.append(f"ALTER INDEX {building} RENAME TO {final}")
            # Statistics for the planner straight away: on a database whose autovacuum is off or behind, a fresh
            # partition without them made a single unit's roll-up query take a minute instead of milliseconds.
            # A small sample is enough to choose the indexes (~20 ms instead of ~200 ms for 200,000 rows);
            # autovacuum refines it later.
            builds += ["SET LOCAL default_statistics_target = 10", f"ANALYZE {quote(self.building)}",
                       "RESET default_statistics_target"]
            cursor.execute(";".join(builds))
            # The swap. Rows of the year written before it had a partition sit in the default one.
            cursor.execute(";".join([
                f"DELETE FROM {quote(TABLE + '_default')} WHERE year = {self.year}",
                f"DROP TABLE IF EXISTS {quote(self.name)}",
                f"ALTER TABLE {quote(self.building)} RENAME TO {quote(self.name)}",
                *renames,
                f"ALTER TABLE {quote(TABLE)} ATTACH PARTITION {quote(self.name)} FOR VALUES IN ({self.year})",
            ]))
