"""The compliance figures of the demo data, row for row, against a snapshot made by the engine as it was (584e257).

A refactor of the engine, the target catalogue or the bulk writer must leave every stored figure as it was: the
demo data of two provinces (Huế and Lai Châu: each province, its first communes, its agencies and its legacy
units across the 1 July 2025 reorganisation), for 2024 (before the targets apply) and 2025 (every target judged),
computed nationally (the year-partition path), then 2025 again for Huế's subtree as of 15 August (provisional
periods, the in-place path, the roll-ups above a subtree). Every target has units that meet it and units that miss it.

The snapshot (tests/reporting/data/demo_compliance.csv.gz, sorted CSV) holds every result and roll-up of the units
that have records (the root and the province's subtree) line by line; the rows of the ~3,400 other units (no records:
their figures differ only by their kind and level) as their distinct lines without the unit, each with how many units
have it, plus a sha256 of every line of each stage, units included, in the same file.
To write it afresh after a change that is MEANT to change figures: REPORTING_SNAPSHOT_WRITE=1 (the test then
fails, saying so; commit the new file with the change that explains it).
"""
from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import io
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from meetings.models import Conference
from reform.models import Unit
from reporting.models import ComplianceResult, ComplianceRollup
from reporting.services import compliance_compute

SNAPSHOT = Path(__file__).parent / "data" / "demo_compliance.csv.gz"
# Seed 3: one province exceeds its cap of province-wide conferences in 2025 and the other keeps to it.
DEMO = {"provinces": ["46", "12"], "max_communes": 8, "volume": 0.3, "seed": 3, "years": [2024, 2025], "no_compute": True}
PROVISIONAL_AS_OF = datetime.date(2025, 8, 15)
RESULT_FIELDS = ("unit__code", "year", "period", "target_id", "provisional", "window_end", "status", "value",
                 "threshold", "numerator", "denominator", "baseline", "details")
ROLLUP_FIELDS = ("unit__code", "year", "period", "target_id", "provisional", "window_end", "n_met", "n_missed",
                 "n_no_baseline", "n_no_data", "n_not_applicable", "n_units", "status", "value", "threshold",
                 "numerator", "denominator", "baseline")
KEY = ("unit", "year", "period", "target", "provisional", "window_end")
COLUMNS = {"result": (*KEY, *RESULT_FIELDS[len(KEY):]), "rollup": (*KEY, *ROLLUP_FIELDS[len(KEY):])}
WIDTH = max(len(RESULT_FIELDS), len(ROLLUP_FIELDS))
# Results and roll-ups share the key's columns; the figures after it are the table's own (see COLUMNS).
HEADER = ("stage", "table", *KEY, *(f"figure_{i}" for i in range(1, WIDTH - len(KEY) + 1)), "units")
PROVISIONAL_UNDER = "46"


def _conference_keys() -> dict[int, str]:
    """Conference id -> a key that does not depend on the database's sequence (ids differ from run to run)."""
    return {pk: f"{code}|{held_on.isoformat()}|{title}" for pk, code, held_on, title in
            Conference.objects.values_list("pk", "unit__code", "held_on", "title")}


def _details(details: dict, conferences: dict[int, str]) -> str:
    details = dict(details or {})
    if isinstance(details.get("offenders"), list):
        details["offenders"] = [{**item, "id": conferences.get(item.get("id"), item.get("id"))}
                                for item in details["offenders"]]
    return json.dumps(details, sort_keys=True, ensure_ascii=False)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _padded(stage: str, table: str, values: list[str]) -> tuple[str, ...]:
    return (stage, table, *values, *[""] * (WIDTH - len(values)))


def _stage_rows(stage: str) -> list[tuple[str, ...]]:
    """The stage's lines: each row of a detailed unit; the others' distinct lines with their number of units;
    a sha256 of every line (with its unit) of the stage."""
    conferences = _conference_keys()
    # The units with records: the provinces' subtrees, and the root (its roll-ups).
    detailed = set(Unit.objects.filter(parent__isnull=True).values_list("code", flat=True))
    for province in Unit.objects.filter(code__in=DEMO["provinces"]):
        detailed |= set(Unit.objects.filter(path__startswith=province.path).values_list("code", flat=True))
    every = []
    for values in ComplianceResult.objects.values_list(*RESULT_FIELDS):
        every.append(_padded(stage, "result", [*map(_text, values[:-1]), _details(values[-1], conferences)]))
    for values in ComplianceRollup.objects.values_list(*ROLLUP_FIELDS):
        every.append(_padded(stage, "rollup", [*map(_text, values)]))
    rows = [(*row, "1") for row in every if row[2] in detailed]
    others = Counter((*row[:2], "*", *row[3:]) for row in every if row[2] not in detailed)
    rows += [(*row, str(n)) for row, n in others.items()]
    digest = hashlib.sha256("\n".join(sorted("\x1f".join(row) for row in every)).encode()).hexdigest()
    rows.append((stage, "sha256", digest, *[""] * (len(HEADER) - 3)))
    return rows


def _compute_demo() -> list[tuple[str, ...]]:
    call_command("demo_data", stdout=io.StringIO(), **DEMO)
    for year in DEMO["years"]:
        call_command("compute_compliance", year=year, quiet_progress=True, stdout=io.StringIO())
    rows = _stage_rows("final")
    compliance_compute(year=2025, unit=Unit.objects.get(code=PROVISIONAL_UNDER), as_of=PROVISIONAL_AS_OF)
    rows += _stage_rows("provisional")
    return sorted(rows)


def _read_snapshot() -> list[tuple[str, ...]]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == HEADER, "the snapshot's columns changed: write it afresh (see the docstring)"
        return [tuple(row) for row in reader]


def _write_snapshot(rows: list[tuple[str, ...]]) -> None:
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    # mtime=0: the same rows give the same bytes (no spurious diff when written again).
    with open(SNAPSHOT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.getvalue().encode("utf-8"))


def _differences(expected: list[tuple], found: list[tuple], limit: int = 10) -> str:
    missing = Counter(expected) - Counter(found)
    extra = Counter(found) - Counter(expected)
    lines = [f"{sum(missing.values())} snapshot rows not produced, {sum(extra.values())} rows not in the snapshot."]
    for label, rows in (("expected (snapshot)", missing), ("found (now)", extra)):
        for row in sorted(rows)[:limit]:
            names = ("stage", "table", *COLUMNS.get(row[1], HEADER[2:-1]))
            lines.append(f"  {label}: {dict(zip(names, row[:-1]))}, units={row[-1]}")
    return "\n".join(lines)


@pytest.mark.django_db
def test_demo_compliance_results_are_identical_row_for_row_to_the_snapshot():
    found = _compute_demo()
    if os.environ.get("REPORTING_SNAPSHOT_WRITE"):
        _write_snapshot(found)
        pytest.fail(f"Snapshot written to {SNAPSHOT} ({len(found)} rows): unset REPORTING_SNAPSHOT_WRITE and rerun.")
    expected = _read_snapshot()
    assert len(found) == len(expected) and found == expected, _differences(expected, found)


def test_the_demo_slice_meets_and_misses_every_target():
    """The snapshot proves something for every target only if each has units on both sides of its threshold."""
    rows = [row for row in _read_snapshot() if row[1] == "result"]
    status = 2 + COLUMNS["result"].index("status")
    target = 2 + COLUMNS["result"].index("target")
    seen = {(row[target], row[status]) for row in rows}
    codes = {row[target] for row in rows}
    assert len(codes) == 12
    for code in codes:
        assert (code, "met") in seen and (code, "missed") in seen, code
