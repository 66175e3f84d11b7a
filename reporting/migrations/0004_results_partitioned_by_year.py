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


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_plain")
    execute(f"ALTER TABLE {TABLE}_plain RENAME CONSTRAINT {UNIQUE[0]} TO {UNIQUE[0]}_plain")
    execute(f"ALTER INDEX {INDEX[0]} RENAME TO {INDEX[0]}_plain")
    execute(f"ALTER TABLE {TABLE}_plain RENAME CONSTRAINT {TABLE}_pkey TO {TABLE}_plain_pkey")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{TABLE}_plain', 'id')")
        (sequence,) = cursor.fetchone()
    execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_plain_id_seq")
    execute(f"CREATE TABLE {TABLE} (LIKE {TABLE}_plain INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) "
            f"PARTITION BY LIST (year)")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, year)")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE[0]} UNIQUE {UNIQUE[1]}")
    execute(f"CREATE INDEX {INDEX[0]} ON {TABLE} {INDEX[1]}")
    execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT year FROM {TABLE}_plain ORDER BY year")
        years = [year for (year,) in cursor.fetchall()]
    for year in years:
        execute(f"CREATE TABLE {TABLE}_y{int(year)} PARTITION OF {TABLE} FOR VALUES IN ({int(year)})")
    execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}_plain")
    execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
            f"greatest((SELECT max(id) FROM {TABLE}), (SELECT last_value FROM {TABLE}_plain_id_seq)))")
    execute(f"DROP TABLE {TABLE}_plain")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_partitioned")
    execute(f"ALTER TABLE {TABLE}_partitioned RENAME CONSTRAINT {UNIQUE[0]} TO {UNIQUE[0]}_partitioned")
    execute(f"ALTER INDEX {INDEX[0]} RENAME TO {INDEX[0]}_partitioned")
    execute(f"ALTER TABLE {TABLE}_partitioned RENAME CONSTRAINT {TABLE}_pkey TO {TABLE}_partitioned_pkey")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{TABLE}_partitioned', 'id')")
        (sequence,) = cursor.fetchone()
    execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_partitioned_id_seq")
    execute(f"CREATE TABLE {TABLE} (LIKE {TABLE}_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            f"INCLUDING IDENTITY)")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE[0]} UNIQUE {UNIQUE[1]}")
    execute(f"CREATE INDEX {INDEX[0]} ON {TABLE} {INDEX[1]}")
    execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}_partitioned")
    execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), (SELECT coalesce(max(id), 1) FROM {TABLE}))")
    execute(f"DROP TABLE {TABLE}_partitioned")


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0003_derived_tables_lean_indexes"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
