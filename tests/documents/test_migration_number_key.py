"""Migration 0007 on a register that already holds numbers the new rule makes duplicates.

It must not fail: every row is kept as written, the first of each group keeps the plain key, the later
ones get keys of their own, the unique index (unit, year, number_key) replaces (unit, year, number) so
the table keeps four indexes, `find_duplicate_numbers` lists the groups, and saving a repeated row is
refused until its number is made distinct.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents.models import Document
from reform import services
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

BEFORE = ("documents", "0006_four_indexes")
TABLE = Document._meta.db_table
VARIANTS = ["456/QĐ-UBND", "456/qđ-ubnd", "456/QĐ-UBND.", "456/QĐ-ubnd"]


def _query(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _insert(unit, number: str, year: int) -> int:
    """A row as the register held it before the migration (no key column yet)."""
    return _query(
        f"INSERT INTO {TABLE} (unit_id, number, doc_type_id, title, issued_on, year, is_digitized, "
        f"sent_electronically, needs_review, created_at, updated_at) "
        f"VALUES (%s, %s, 'QĐ', 'Quyết định', %s, %s, true, true, false, now(), now()) RETURNING id",
        [unit.pk, number, datetime.date(year, 3, 10), year])[0][0]


def _check_foreign_keys_now() -> None:
    """Run the foreign-key checks pending in the test's transaction: PostgreSQL alters no table that has some."""
    _query("SET CONSTRAINTS ALL IMMEDIATE; SELECT 1")


def _indexes() -> dict[str, str]:
    return dict(_query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE]))


def test_the_migration_keeps_earlier_duplicates_apart_and_builds_the_unique_index(tree, officer_hn, capsys):
    audited = DocumentFactory(unit=tree["01"], number="12/QĐ-UBND", issued_on=datetime.date(2026, 2, 2))
    _check_foreign_keys_now()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        assert "number_key" not in {column.name for column in connection.introspection.get_table_description(
            connection.cursor(), TABLE)}
        first = _insert(tree["01"], VARIANTS[0], 2026)
        repeats = [_insert(tree["01"], number, 2026) for number in VARIANTS[1:]]
        other_year = _insert(tree["01"], "456/qđ-ubnd", 2025)
        other_unit = _insert(tree["79"], "456/QĐ-UBND", 2026)
        _query("SET CONSTRAINTS ALL DEFERRED; SELECT 1")  # as Django leaves them: the migration copes

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert "List them with: python manage.py find_duplicate_numbers" in capsys.readouterr().out

        stored = dict(Document.objects.values_list("id", "number"))
        keys = dict(Document.objects.values_list("id", "number_key"))
        assert [stored[pk] for pk in (first, *repeats)] == VARIANTS  # as written
        assert keys[first] == keys[other_year] == keys[other_unit] == "456/qđ-ubnd"
        assert [keys[pk] for pk in repeats] == [f"456/qđ-ubnd #{pk}" for pk in repeats]
        assert keys[audited.pk] == "12/qđ-ubnd"
        assert set(Document.history.values_list("number_key", flat=True)) == {"12/qđ-ubnd"}

        # The unique index on the key replaced the one on the number: still four indexes on the table.
        indexes = _indexes()
        assert len(indexes) == 4, indexes
        assert "UNIQUE INDEX document_number_key_unique_per_unit_year" in indexes[
            "document_number_key_unique_per_unit_year"]
        assert "(unit_id, year, number_key)" in indexes["document_number_key_unique_per_unit_year"]
        assert "document_number_unique_per_unit_year" not in indexes

        call_command("find_duplicate_numbers")
        out = capsys.readouterr().out.splitlines()
        assert out[0] == ("01\t2026\t" + ", ".join(
            f"{number!r} (id {pk})" for pk, number in zip((first, *repeats), VARIANTS)))
        assert "1 number(s) registered more than once, 4 documents" in out[1]

        repeat = Document.objects.get(pk=repeats[0])
        with pytest.raises(ValidationError) as caught:
            services.record_update(instance=repeat, user=officer_hn, data={"is_digitized": False})
        assert list(caught.value.message_dict) == ["number"]
        services.record_update(instance=Document.objects.get(pk=first), user=officer_hn, data={"title": "Sửa"})
        services.record_update(instance=repeat, user=officer_hn, data={"number": "456B/QĐ-UBND"})
        assert Document.objects.get(pk=repeats[0]).number_key == "456b/qđ-ubnd"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_goes_back_to_the_unique_number(tree):
    DocumentFactory(unit=tree["01"], number="456/QĐ-UBND", issued_on=datetime.date(2026, 3, 10))
    DocumentFactory(unit=tree["01"], number="457/QĐ-UBND", issued_on=datetime.date(2026, 3, 10))
    _check_foreign_keys_now()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        indexes = _indexes()
        assert len(indexes) == 4 and "(unit_id, year, number)" in indexes["document_number_unique_per_unit_year"]
        assert _query(f"SELECT count(*) FROM {TABLE}") == [(2,)]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert len(_indexes()) == 4
