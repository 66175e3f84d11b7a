"""Uploads compare document numbers normalised: in the file (a repeated row is refused with its line) and
against the register (the upsert's natural key), on the PostgreSQL and the ORM paths alike."""
from __future__ import annotations

import datetime

import pytest

from documents.models import Document
from tests.factories import DocumentFactory

from .conftest import csv_bytes, upload

VARIANTS = ["456/QĐ-UBND", "456/qđ-ubnd", "456/QĐ-UBND.", "456/QĐ-ubnd"]


def _row(number: str, title: str = "Quyết định về việc 456", day: int = 10) -> list[str]:
    return ["01", number, "QĐ", title, f"2026-03-{day:02d}", "true", "1"]


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgresql", "orm"])
def test_a_file_with_one_number_written_four_ways_is_refused_on_the_three_repeats(officer_hn, force_orm):
    rows = [_row("1/QĐ-UBND", "Quyết định 1")] + [_row(number) for number in VARIANTS]
    batch = upload(officer_hn, csv_bytes(rows), force_orm=force_orm)
    assert batch.status == "failed"
    assert [(error["line"], error["column"]) for error in batch.errors] == [(4, "number"), (5, "number"), (6, "number")]
    assert all("repeats line 3" in error["message"] for error in batch.errors)
    assert Document.objects.count() == 0  # all or nothing


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgresql", "orm"])
def test_a_variant_of_a_registered_number_updates_that_document_instead_of_adding_one(officer_hn, tree, force_orm):
    registered = DocumentFactory(unit=tree["01"], number="456/QĐ-UBND", issued_on=datetime.date(2026, 3, 10),
                                 title="Quyết định cũ")
    batch = upload(officer_hn, csv_bytes([_row("456/qđ-ubnd.", "Quyết định mới"), _row("457/QĐ-UBND")]),
                   force_orm=force_orm)
    assert batch.status == "succeeded", batch.errors
    assert (batch.created, batch.updated) == (1, 1)
    document = Document.objects.get(unit=tree["01"], number_key="456/qđ-ubnd")
    assert document.pk == registered.pk
    # The upload is the register as the unit's document system has it now: its spelling is kept, as written.
    assert (document.number, document.title) == ("456/qđ-ubnd.", "Quyết định mới")
    assert Document.objects.filter(unit=tree["01"], year=2026).count() == 2

    again = upload(officer_hn, csv_bytes([_row("456/qđ-ubnd.", "Quyết định mới"), _row("457/QĐ-UBND")]),
                   force_orm=force_orm)
    assert (again.status, again.created, again.updated, again.unchanged) == ("succeeded", 0, 0, 2)
