"""The results table partitioned by year (PostgreSQL, migrations 0004-0005, reporting/partitions.py).

A national recompute builds the year's partition afresh and swaps it in whole; a failed one leaves the
previous in place; rows of a year that has no partition yet wait in the default one; the reads on a second
connection give the same results as on one; migration 0004 moves existing rows into partitions and back.
"""
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from reporting import selectors, services
from reporting.models import ComplianceResult
from reporting.services import compliance_compute

from .helpers import confs, docs, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

TABLE = ComplianceResult._meta.db_table


def _query(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _partitions() -> dict[str, str]:
    """Partition name -> its bound, e.g. {"reporting_complianceresult_y2025": "FOR VALUES IN ('2025')"}."""
    return dict(_query(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass", [TABLE]))


def _count(table: str, year: int) -> int:
    return _query(f"SELECT count(*) FROM {connection.ops.quote_name(table)} WHERE year = %s", [year])[0][0]


def _leftovers() -> list[str]:
    return [name for (name,) in _query("SELECT relname FROM pg_class WHERE relname LIKE %s", [f"{TABLE}%_new"])]


def test_a_national_recompute_swaps_in_the_years_partition_with_every_index(tree):
    docs(tree["00070"], 4, date(2025, 2, 1))
    compliance_compute(year=2025)
    partition = f"{TABLE}_y2025"
    assert _partitions()[partition] == "FOR VALUES IN ('2025')"
    assert _count(partition, 2025) == len(tree) * 60
    assert _count(f"{TABLE}_default", 2025) == 0
    # Each index of the results table has its partition's index attached to it (the swap built them).
    attached = _query(
        "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_index x ON x.indexrelid = c.oid WHERE x.indrelid = %s::regclass", [partition])[0][0]
    assert attached == len(_query("SELECT 1 FROM pg_index WHERE indrelid = %s::regclass", [TABLE])) == 4
    first_ids = set(ComplianceResult.objects.filter(year=2025).values_list("id", flat=True))

    docs(tree["00070"], 2, date(2025, 3, 1))
    compliance_compute(year=2025)
    assert [name for name in _partitions() if "2025" in name] == [partition]
    assert _leftovers() == []
    assert _count(partition, 2025) == len(tree) * 60
    assert not ComplianceResult.objects.filter(id__in=first_ids).exists()
    assert ComplianceResult.objects.get(unit=tree["00070"], year=2025, period="Y",
                                        target_id="DOC_DIGITIZATION").denominator == 6


def test_the_swapped_in_partition_has_planner_statistics_at_once(tree):
    """Without them (autovacuum off or behind) a single unit's roll-up query took a minute on the fresh partition."""
    docs(tree["00070"], 4, date(2025, 2, 1))
    compliance_compute(year=2025)
    columns = {name for (name,) in _query("SELECT attname FROM pg_stats WHERE tablename = %s", [f"{TABLE}_y2025"])}
    assert {"unit_id", "period", "target_id", "status"} <= columns


def test_a_subtree_recompute_before_the_year_has_a_partition_writes_to_the_default_one(tree, monkeypatch):
    year = 2029  # a year no other test recomputes nationally (a transactional test's partition would stay)
    # Judged as if after its end (a running year counts only to today, and 2029 has not started).
    monkeypatch.setattr("reporting.services.timezone.localdate", lambda: date(year + 1, 1, 2))
    docs(tree["00070"], 2, date(year, 2, 2))
    compliance_compute(year=year, unit=tree["01"])
    assert f"{TABLE}_y{year}" not in _partitions()
    assert _count(f"{TABLE}_default", year) == 4 * 60

    compliance_compute(year=year)  # the national recompute takes them into the year's partition
    assert _count(f"{TABLE}_default", year) == 0
    assert _count(f"{TABLE}_y{year}", year) == len(tree) * 60

    docs(tree["00004"], 3, date(year, 2, 2))
    compliance_compute(year=year, unit=tree["01"])  # in place, inside the partition
    assert _count(f"{TABLE}_y{year}", year) == len(tree) * 60
    assert ComplianceResult.objects.get(unit=tree["00004"], year=year, period="Y",
                                        target_id="DOC_DIGITIZATION").denominator == 3


def test_a_failed_national_recompute_leaves_the_previous_partition_and_results(tree, monkeypatch):
    compliance_compute(year=2025)
    before = dict(ComplianceResult.objects.filter(year=2025).values_list("id", "status"))
    partitions = _partitions()

    def broken(*args, **kwargs):
        raise RuntimeError("a rule failed")

    monkeypatch.setattr(services, "_judge", broken)
    docs(tree["00070"], 5, date(2025, 2, 1))
    with pytest.raises(Exception):
        compliance_compute(year=2025)
    assert dict(ComplianceResult.objects.filter(year=2025).values_list("id", "status")) == before
    assert _partitions() == partitions
    assert _leftovers() == []


def test_results_written_through_the_orm_land_in_the_default_partition(tree):
    row = ComplianceResult.objects.create(unit=tree["01"], year=2031, period="Y", target_id="DOC_REDUCTION",
                                          status="no_data", computed_at="2031-01-01T00:00:00Z")
    assert _count(f"{TABLE}_default", 2031) == 1
    assert ComplianceResult.objects.get(pk=row.pk).year == 2031


@pytest.mark.django_db(transaction=True)
def test_reads_on_a_second_connection_give_the_results_of_one(tree, monkeypatch):
    """Outside a transaction the documents' aggregate runs on a second connection, in a thread; inside one
    (where a second connection would not see the open transaction's rows) everything runs on this one."""
    for i, code in enumerate(["00070", "00004", "26734"]):
        docs(tree[code], 3 + i, date(2024, 5, 1))
        docs(tree[code], 2 + 2 * i, date(2025, 5, 1), digitized=bool(i % 2))
        confs(tree[code], 1 + i, reheld_after_online=True)
    threads = []
    document_counts = selectors.document_counts

    def spy(**kwargs):
        import threading

        threads.append(threading.current_thread().name)
        return document_counts(**kwargs)

    monkeypatch.setattr(selectors, "document_counts", spy)
    fields = ("unit_id", "period", "target_id", "status", "value", "numerator", "denominator", "baseline", "details")

    compliance_compute(year=2025)
    in_background = sorted(ComplianceResult.objects.filter(year=2025).values_list(*fields))
    with transaction.atomic():
        compliance_compute(year=2025)
    on_one = sorted(ComplianceResult.objects.filter(year=2025).values_list(*fields))

    assert threads[0].startswith("compliance-read") and not threads[1].startswith("compliance-read")
    assert in_background == on_one
    assert len(in_background) == len(tree) * 60
    assert any(row[3] == "missed" for row in in_background)


@pytest.mark.django_db(transaction=True)
def test_migration_0004_moves_results_into_year_partitions_and_back(tree):
    plain = ("reporting", "0003_derived_tables_lean_indexes")
    latest = ("reporting", "0005_results_unique_in_write_order")
    executor = MigrationExecutor(connection)
    executor.migrate([plain])
    try:
        rows = [(tree["01"].pk, year, "Y", code, "met")
                for year in (2024, 2025) for code in ("DOC_REDUCTION", "DOC_NETWORK")]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (unit_id, year, period, target_id, status, details, computed_at) "
                f"VALUES (%s, %s, %s, %s, %s, '{{}}', now())", rows)
        ids = dict(_query(f"SELECT id, year FROM {TABLE}"))
        assert _partitions() == {}

        executor = MigrationExecutor(connection)
        executor.migrate([latest])
        assert set(_partitions()) == {f"{TABLE}_default", f"{TABLE}_y2024", f"{TABLE}_y2025"}
        assert dict(_query(f"SELECT id, year FROM {TABLE}")) == ids
        assert _count(f"{TABLE}_y2024", 2024) == _count(f"{TABLE}_y2025", 2025) == 2
        new_id = _query(f"INSERT INTO {TABLE} (unit_id, year, period, target_id, status, details, computed_at) "
                        f"VALUES (%s, 2026, 'Y', 'DOC_REDUCTION', 'met', '{{}}', now()) RETURNING id",
                        [tree["01"].pk])[0][0]
        assert new_id > max(ids)

        executor = MigrationExecutor(connection)
        executor.migrate([plain])
        assert _partitions() == {}
        assert dict(_query(f"SELECT id, year FROM {TABLE}")) == {**ids, new_id: 2026}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(_partitions()) >= {f"{TABLE}_default", f"{TABLE}_y2024", f"{TABLE}_y2025"}
