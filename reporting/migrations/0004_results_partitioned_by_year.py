"""Compliance results partitioned by year (PostgreSQL only; SQLite keeps its plain table).

A national recompute writes a year's 200,000 results into a fresh table without indexes, builds the indexes
in one sorted pass each and swaps the table in as the year's partition (reporting/partitions.py): three times
less server work than deleting the year and inserting row by row into indexed pages. Rows of a year that has
no partition yet (a subtree's first recompute, rows written through the ORM) go to the default partition.

A partitioned table's primary key must hold the partition key, so the database's key is (id, year); `id` stays
Django's primary key and is still unique (one identity sequence). The model's state does not change.
"""
from django.db import migrations

TABLE = "reporting_complianceresult"
COLUMNS = ("id, year, period, status, value, threshold, numerator, denominator, baseline, details, computed_at, "
           "target_id, unit_id")
# The model's indexes and constraints, by the names Django gave them (0001 and 0003).
UNIQUE = ("one_result_per_unit_period_target", "(unit_id, year, period, target_id)")
INDEX = ("reporting_c_year_ac8ffe_idx", "(year, period, target_id, status)")


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    """Set the results table aside, create it again (partitioned by year, or plain) with the same columns,
    identity, key, unique constraint and index, move its rows and ids in, and drop the old one."""
    if schema_editor.connection.vendor != "postgresql":
        return
    execute, aside = schema_editor.execute, f"{TABLE}_old"
    execute(f"ALTER TABLE {TABLE} RENAME TO {aside}")
    execute(f"ALTER TABLE {aside} RENAME CONSTRAINT {UNIQUE[0]} TO {UNIQUE[0]}_old")
    execute(f"ALTER INDEX {INDEX[0]} RENAME TO {INDEX[0]}_old")
    execute(f"ALTER TABLE {aside} RENAME CONSTRAINT {TABLE}_pkey TO {aside}_pkey")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{aside}', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT DISTINCT year FROM {aside} ORDER BY year")
        years = [int(year) for (year,) in cursor.fetchall()]
    execute(f"ALTER SEQUENCE {sequence} RENAME TO {aside}_id_seq")
    execute(f"CREATE TABLE {TABLE} (LIKE {aside} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)"
            + (" PARTITION BY LIST (year)" if partitioned else ""))
    # A partitioned table's key must hold the partition key.
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY {'(id, year)' if partitioned else '(id)'}")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE[0]} UNIQUE {UNIQUE[1]}")
    execute(f"CREATE INDEX {INDEX[0]} ON {TABLE} {INDEX[1]}")
    if partitioned:
        execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        for year in years:
            execute(f"CREATE TABLE {TABLE}_y{year} PARTITION OF {TABLE} FOR VALUES IN ({year})")
    execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {aside}")
    execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
            f"greatest((SELECT max(id) FROM {TABLE}), (SELECT last_value FROM {aside}_id_seq)))")
    execute(f"DROP TABLE {aside}")


def partition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0003_derived_tables_lean_indexes"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
