"""Reads of the documents register that are more than a filter: the numbers that repeat once normalised."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from reform.models import Unit

from .models import Document
from .symbols import number_key


@dataclass(frozen=True)
class RepeatedNumber:
    """Documents of one unit and year whose numbers are the same once normalised (`symbols.number_key`)."""

    unit_code: str
    year: int
    key: str
    documents: tuple[tuple[int, str], ...]  # (id, number as written), the first registered first


def repeated_numbers(*, unit: Unit | None = None, year: int | None = None) -> Iterator[RepeatedNumber]:
    """Every group of documents that the one-number-once rule makes duplicates, by unit and year.

    Found from the numbers themselves, not from the stored keys (the rows kept apart by migration 0007
    have keys of their own), in one pass over the register sorted by its unique index.
    """
    documents = Document.objects.all()
    if unit is not None:
        documents = documents.in_subtree(unit)
    if year is not None:
        documents = documents.filter(year=year)
    rows = (documents.order_by("unit_id", "year", "id")
            .values_list("unit_id", "year", "id", "number").iterator(chunk_size=5000))
    codes: dict[int, str] = {}
    for (unit_id, row_year), group in groupby(rows, key=lambda row: (row[0], row[1])):
        by_key: dict[str, list[tuple[int, str]]] = {}
        for _unit, _year, pk, number in group:
            by_key.setdefault(number_key(number), []).append((pk, number))
        for key, found in by_key.items():
            if len(found) > 1:
                if unit_id not in codes:
                    codes[unit_id] = Unit.objects.values_list("code", flat=True).get(pk=unit_id)
                yield RepeatedNumber(codes[unit_id], row_year, key, tuple(found))
