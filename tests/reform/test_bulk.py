"""reform.bulk: the one COPY writer of the engine, the uploads and the demo data."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from reform import bulk
from reform.models import PolicySetting


def test_values_become_fields_of_copy_text():
    moment = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.timezone.utc)
    assert [bulk.copy_field(v) for v in (None, True, False, 7, Decimal("0.1500"), datetime.date(2026, 3, 2), moment)] == [
        "\\N", "t", "f", "7", "0.1500", "2026-03-02", "2026-03-02T08:30:00+00:00"]
    assert bulk.copy_field("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert bulk.copy_field("Hội nghị") == "Hội nghị"
    assert bulk.copy_field({"title": "Hội\tnghị"}) == '{"title": "H\\\\u1ed9i\\\\tngh\\\\u1ecb"}'
    assert bulk.copy_field(bulk.JSONText('{"a": 1}')) == '{"a": 1}'
    assert bulk.copy_line(("x", None, 3)) == "x\t\\N\t3\n"


def test_a_stream_formats_each_shared_part_once_and_reads_in_chunks():
    key, figures = ("2026", "Y"), ("met", Decimal("0.5"))
    rows = [(unit, key, figures) for unit in range(1000)]
    stream = bulk.CopyStream(rows, shared=True)
    text = ""
    while chunk := stream.read(100):
        text += chunk
    assert stream.count == 1000 and len(stream.texts) == 2
    assert text.splitlines()[3] == "3\t2026\tY\tmet\t0.5"


@pytest.mark.django_db
def test_write_copies_rows_into_postgresql_as_they_were():
    assert connection.vendor == "postgresql"
    rows = [("bulk_a", True, "tab\there, newline\nthere, backslash \\ and “quotes”"), ("bulk_b", False, "")]
    assert bulk.write(PolicySetting, ("key", "value", "description"), iter(rows)) == 2
    stored = list(PolicySetting.objects.filter(key__startswith="bulk_").order_by("key")
                  .values_list("key", "value", "description"))
    assert stored == rows


@pytest.mark.django_db
def test_a_bulk_writer_flushes_every_so_many_rows_and_counts_them():
    writer = bulk.BulkWriter(PolicySetting, ("key", "value", "description"), flush_rows=3)
    writer.add((f"bulk_{i}", i % 2 == 0, "") for i in range(5))
    assert writer.written == 5 and writer.rows == []  # five rows reached the threshold: written at once
    writer.add([("bulk_9", True, "")])
    assert writer.written == 5 and len(writer.rows) == 1
    writer.flush()
    assert writer.written == 6 and PolicySetting.objects.filter(key__startswith="bulk_").count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize("as_list", [True, False])
def test_the_insert_path_without_copy_writes_each_row_once_across_batches(monkeypatch, as_list):
    """The path of databases without COPY (the demo's SQLite), run here on PostgreSQL: with rows given as a list,
    each batch used to start again at the list's first row, so `make demo` failed on its unique number key."""
    monkeypatch.setattr(bulk, "INSERT_BATCH", 3)
    rows = [(f"bulk_{i}", i % 2 == 0, f"row {i}") for i in range(8)]
    fields = [PolicySetting._meta.get_field(name) for name in ("key", "value", "description")]
    with connection.cursor() as cursor:
        written = bulk.insert_batches(cursor, PolicySetting._meta.db_table, fields, rows if as_list else iter(rows))
    assert written == 8
    stored = list(PolicySetting.objects.filter(key__startswith="bulk_").order_by("description")
                  .values_list("key", "value", "description"))
    assert stored == rows
