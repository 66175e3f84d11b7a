"""The compliance engine: compute every target for every unit of a year (or a subtree), store results and roll-ups.

Set-based: a fixed number of aggregate queries for the whole country (see selectors), the rules applied in
Python over the aggregated numbers (reporting/rules.py), results and roll-ups replaced in one transaction.

Periods: "Y" and each quarter to date (Q1..Q4), on the windows of reporting/periods.py (calendar or Decree 09).
For the current year, quarters that have not ended (or started) are computed on the data so far, so the
rows always exist: a not-yet-started quarter simply equals the previous one.

What each target reads and how its conferences offend: reporting/targets.py. The legacy units' records in their
successors' figures: reporting/attribution.py. How a compute runs (its reads on two connections, progress, the
year's lock): reporting/execution.py. The rows are written by reform/bulk.py (a streamed COPY).
"""
from __future__ import annotations

import datetime
import itertools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from reform.bulk import JSONText, to_json, write
from reform.choices import Kind
from reform.dates import earliest_record_date
from reform.models import Target, Unit

from . import partitions, rules, selectors, signals
from . import targets as catalogue
from .attribution import attribute, districts_above, numbers_of, with_district
from .choices import Status
from .execution import Progress, QueryCounter, collector_paused, in_background, lock_year
from .models import ComplianceResult, ComplianceRollup, ComplianceSlice
from .periods import PERIODS_TO_DATE, is_provisional, judged_window_end, period_quarters, to_date_window
from .rollups import VECTOR, RollupJudge, Vector

logger = logging.getLogger(__name__)


@dataclass
class ComputeSummary:
    year: int
    units: int
    results: int
    rollups: int
    queries: int | None
    seconds: float

    def as_dict(self) -> dict:
        return {"year": self.year, "units": self.units, "results": self.results, "rollups": self.rollups,
                "queries": self.queries, "seconds": round(self.seconds, 3)}


def _offender_row(entry: catalogue.TargetEntry, row: dict, parameters: dict) -> dict:
    """What a result keeps of one offending conference: its id, title and date, and the figure that broke the rule
    with its limit (the target's `offender_figures`)."""
    return {"id": row["id"], "title": row["title"], "held_on": row["held_on"].isoformat(),
            **entry.offender_figures(row, parameters)}


RESULT_COLUMNS = ("unit_id", "year", "period", "target_id", "provisional", "window_end", "status", "value", "threshold", "numerator",
                  "denominator", "baseline", "details", "computed_at")
# A slice's columns (ComplianceSlice); after (unit, year), the names of a `selectors.slice_sums` row.
SLICE_COLUMNS = ("unit_id", "year", "period", "target_id", "level", "block", "n_met", "n_missed", "n_no_baseline",
                 "n_no_data", "n_not_applicable", "numerator", "denominator", "baseline", "n_provisional",
                 "window_end", "provisional_end", "computed_at")
ROLLUP_COLUMNS = ("unit_id", "year", "period", "target_id", "provisional", "window_end", "n_met", "n_missed", "n_no_baseline", "n_no_data",
                  "n_not_applicable", "n_units", "status", "value", "threshold", "numerator", "denominator",
                  "baseline", "computed_at")


def _with_offenders(details: str, items: list[str], total: int) -> JSONText:
    """The JSON of a result's details (`details`, the JSON of a dict) with the offending conferences added
    (`items`, each the JSON of one entry): the text json.dumps gives of the merged dict, made without decoding
    and encoding again what is already encoded (a conference is listed in up to five periods)."""
    head = details[:-1] + (", " if details != "{}" else "")
    return JSONText(f'{head}"offenders": [{", ".join(items)}], "offenders_total": {total}}}')


class Key(NamedTuple):
    """A result's (or roll-up's) columns after its unit: one tuple shared by the rows of every unit."""

    year: int
    period: str
    target: str
    provisional: bool
    window_end: str


class Judged(NamedTuple):
    """A result's stored columns after its Key (RESULT_COLUMNS): one tuple shared by the units judged alike."""

    status: str
    value: Decimal | None
    threshold: Decimal | None
    numerator: int | None
    denominator: int | None
    baseline: int | None
    details: dict | str  # a dict, or its JSON (bulk.JSONText) once offenders are added
    computed_at: str


def _judge(target: Target, threshold, applicable: bool, numbers: tuple[int, int, int, int],
           now: str) -> tuple[Judged, Vector]:
    """One target's result for a unit's (numerator, denominator, baseline, countable): the stored columns after
    its Key, and the unit's roll-up vector."""
    numerator, denominator, baseline, countable = numbers
    if threshold is None:
        # Before the target applies: no verdict, but the counts of records are kept (the trend charts read them).
        result = rules.not_applicable(reason="before_applies_from", numerator=numerator, denominator=denominator,
                                      baseline=baseline)
    elif not applicable:
        result = rules.not_applicable(threshold=threshold.threshold, reason="does_not_apply")
    else:
        result = rules.evaluate(target.comparison, threshold.threshold,
                                {"numerator": numerator, "denominator": denominator, "baseline": baseline,
                                 "countable": countable})
    status = str(result.status)
    if status != Status.NOT_APPLICABLE or threshold is None:
        counted = Vector.of_unit(status, result.numerator or 0, result.denominator or 0, result.baseline or 0)
    else:  # not applicable to this unit: counted as a unit, its counts in no sum
        counted = Vector.of_unit(status)
    judged = Judged(status, result.value, result.threshold, result.numerator, result.denominator, result.baseline,
                    result.details, now)
    return judged, counted


def compliance_compute(
    *, year: int, unit: Unit | selectors.Subtrees | None = None, progress: Callable[[int, int], None] | None = None,
    as_of: datetime.date | None = None, with_signals: bool = True,
) -> ComputeSummary:
    """Compute every target for every unit (or `unit`'s subtree, or several subtrees at once: `selectors.Subtrees`)
    for "Y" and Q1..Q4 to date, and store the results and the roll-ups of every locality in the scope and above
    it, atomically.

    `as_of` (default: today) is the last day counted: a period that has not ended by then is judged on
    1 January to `as_of` against the same window of the year before, and stored as provisional.

    The integrity signals of the scope are found again after the results (they read them), unless `with_signals`
    is false: the coalesced recompute after record changes leaves them to a task of their own (see
    reporting/recompute.py), so that a save reaches the dashboard without waiting for them."""
    earliest = earliest_record_date()
    if int(year) < earliest.year:
        # Its baseline would be a year no record may carry (and year 1 has no year before it at all).
        raise ValueError(f"Year {year} is before the earliest record date ({earliest.isoformat()}): nothing to compute.")
    started = time.monotonic()
    counter = QueryCounter()
    as_of = as_of or timezone.localdate()
    with connection.execute_wrapper(counter):
        summary = _compute(year=year, unit=unit, progress=Progress(progress), counter=counter, as_of=as_of)
        if with_signals:
            # The integrity signals of the same scope, from the same registers and the results just stored.
            for root in unit.roots if isinstance(unit, selectors.Subtrees) else (unit,):
                signals.signals_compute(year=year, unit=root, as_of=as_of)
    summary.queries = counter.count
    summary.seconds = time.monotonic() - started
    logger.info("compliance_compute %s", summary.as_dict())
    return summary


def _compute(*, year: int, unit: Unit | selectors.Subtrees | None, progress: Progress, counter: QueryCounter,
             as_of: datetime.date) -> ComputeSummary:
    # Rows are written in the order of the unique index (year, period, unit, target): see result_rows.
    units = sorted(selectors.scope_units(unit=unit), key=lambda u: u["id"])
    ancestors = selectors.ancestor_localities(unit=unit)
    targets = [t for t in Target.objects.order_by("code") if t.code in catalogue.CATALOGUE]
    thresholds = selectors.thresholds_for_year(year=year)
    hybrid_online = selectors.hybrid_counts_as_online()
    params = {code: (thresholds[code].parameters if code in thresholds else {}) or {} for code in catalogue.CATALOGUE}
    rules = catalogue.conference_conditions(params)
    total = len(units)
    if progress:
        progress(0, total)

    # The documents' aggregate (the longest read) runs on a second connection while this one reads the rest.
    reduction_types = selectors.reduction_type_codes()
    # Legacy units (until 30 June 2025) whose records count in the scope's units (see attribution.attribute).
    lineage = selectors.lineage(unit=unit)
    documents_read = in_background(
        lambda: selectors.document_counts(year=year, unit=unit, reduction_types=reduction_types, as_of=as_of,
                                          predecessors=lineage),
        counter)
    conferences = selectors.conference_counts(year=year, unit=unit, hybrid_online=hybrid_online, as_of=as_of,
                                              rules=rules, predecessors=lineage)
    digitization = selectors.digitization_sums(year=year, unit=unit, predecessors=lineage)
    offenders = selectors.conference_offenders(year=year, unit=unit, conditions=catalogue.offender_conditions(params),
                                               fields=catalogue.offender_fields(), predecessors=lineage)
    for code, owner in catalogue.offenders_share().items():
        offenders[code] = offenders[owner]
    documents = documents_read()
    inherited, districts = attribute(lineage, (documents, conferences, digitization), offenders)

    # computed_at of every row, formatted once (Django parses it back on SQLite).
    now = timezone.now().isoformat()
    periods = [(period, period_quarters(period)[-1], to_date_window(year, period)[1])
               for period in sorted(PERIODS_TO_DATE)]
    # Whether each period is still running (judged to `as_of`, provisional) and the last day it covers.
    standing = {period: (is_provisional(year, period, as_of), judged_window_end(year, period, as_of).isoformat())
                for period, _q, _end in periods}
    # Each row's key after its unit, (year, period, target, provisional, window end), period by period: one
    # tuple shared by the rows (results and roll-ups) of every unit, so the COPY formats it once.
    keys = [Key(year, period, target.code, *standing[period]) for period, _q, _end in periods for target in targets]
    targets_by_code = {t.code: t for t in targets}
    measure_names = (*selectors.DOCUMENT_MEASURES, *selectors.CONFERENCE_MEASURES, *selectors.DIGITIZATION_MEASURES)
    vectors: dict[int, list[int]] = {}

    def result_rows() -> Iterator[tuple[int, Key, Judged]]:
        """Every result as (unit id, Key, Judged) triples for the bulk write (shared parts), period by period,
        unit by unit, target by target (the order of the results' unique index: see ComplianceResult);
        fills `vectors` (each unit's own roll-up vector, in `keys` order) as it goes."""
        zero = [0, 0, 0, 0]
        # Each unit's to-date sums per measure: running[i] = quarters 1..i+1.
        to_date: dict[int, dict[str, list[int]]] = {}
        # The part of a unit's to-date sums that came from its predecessors' records (details.inputs).
        from_predecessors: dict[int, dict[str, list[int]]] = {}
        applicability: dict[int, list[bool]] = {}
        by_kind: dict[tuple, list[bool]] = {}
        for u in units:
            data: dict[str, list[int]] = dict.fromkeys(measure_names, zero)
            for source in (documents, conferences, digitization):
                found = source.get(u["id"])
                if found:
                    data.update(found)
            to_date[u["id"]] = {measure: list(itertools.accumulate(quarters)) for measure, quarters in data.items()}
            if u["id"] in inherited:
                from_predecessors[u["id"]] = {measure: list(itertools.accumulate(quarters))
                                              for measure, quarters in inherited[u["id"]].items()}
            kind = (u["kind"], u["level"])
            if kind not in by_kind:
                by_kind[kind] = [catalogue.applies(target, u) for target in targets]
            applicability[u["id"]] = by_kind[kind]
            vectors[u["id"]] = []
        # Identical inputs give identical results (many units share them, e.g. no records at all): judge once.
        # key -> (the result's columns after the key, shared by the rows; the unit's roll-up vector part).
        memo: dict[tuple, tuple[Judged, Vector]] = {}
        details_texts: dict[int, str] = {}  # id of a judged result's details -> its JSON
        offender_texts: dict[tuple[str, int], str] = {}  # (target, conference id) -> the JSON of its entry
        missed = str(Status.MISSED)
        # Per target: its catalogue entry, what it reads and its offenders, if it lists them.
        readers = []
        for i, target in enumerate(targets):
            entry = catalogue.CATALOGUE[target.code]
            reads = entry.reads
            readers.append((i, target, entry, thresholds.get(target.code), offenders.get(target.code), reads.numerator,
                            reads.denominator, reads.baseline, reads.countable, reads.offending))
        for n_period, (period, last_quarter, end) in enumerate(periods):
            period_keys = keys[n_period * len(targets): (n_period + 1) * len(targets)]
            for u in units:
                uid = u["id"]
                sums = {measure: running[last_quarter - 1] for measure, running in to_date[uid].items()}
                applicable_to = applicability[uid]
                vector = vectors[uid]
                for (i, target, entry, threshold, listed,
                     numerator, denominator, baseline, countable, offending) in readers:
                    code = entry.code
                    applicable = applicable_to[i]
                    # (numerator, denominator, baseline) as the target reads them; an offender target's numerator is
                    # the complying ones.
                    d = sums[denominator] if denominator else 0
                    numbers = (d - sums[offending] if offending else sums[numerator] if numerator else 0,
                               d, sums[baseline] if baseline else 0, sums[countable] if countable else 0)
                    # A cap depends on the countable conferences only through whether there were any.
                    key = (code, applicable, numbers[0], numbers[1], numbers[2], numbers[3] > 0)
                    judged = memo.get(key)
                    if judged is None:
                        judged = memo[key] = _judge(target, threshold, applicable, numbers, now)
                    shared, counted = judged
                    own_details = False
                    inherited_sums = from_predecessors.get(uid)
                    if inherited_sums is not None:
                        part = numbers_of(inherited_sums, last_quarter, numerator, denominator, baseline, offending)
                        if any(part):
                            inputs = {**shared.details.get("inputs", {}), "from_predecessors": dict(
                                zip(("numerator", "denominator", "baseline"), part))}
                            shared = shared._replace(details={**shared.details, "inputs": inputs})
                            own_details = True
                    if listed is not None and shared.status == missed:
                        items = []
                        for row in listed.get(uid, ()):
                            if row["held_on"] <= end:
                                text = offender_texts.get((code, row["id"]))
                                if text is None:
                                    text = offender_texts[code, row["id"]] = to_json(
                                        _offender_row(entry, row, params[code]))
                                items.append(text)
                        base = to_json(shared.details) if own_details else details_texts.get(id(shared))
                        if base is None:
                            base = details_texts[id(shared)] = to_json(shared.details)
                        total_offending = numbers[1] - numbers[0] if offending else numbers[0]
                        shared = shared._replace(details=_with_offenders(base, items, total_offending))
                    yield uid, period_keys[i], shared
                    vector += counted
            if progress:
                progress(total * (n_period + 1) // (len(periods) + 1), total)  # the rest: roll-ups, swap

    with transaction.atomic():
        lock_year(year)
        # A national recompute on PostgreSQL builds the year's partition afresh and swaps it in at the end;
        # a subtree's (or SQLite's) replaces its rows in place.
        year_table = partitions.YearTable(year) if unit is None and partitions.partitioned() else None
        rollups = ComplianceRollup.objects.filter(year=year)
        if unit is not None:
            rollups = rollups.filter(selectors.scope_filter(unit))
        if year_table is None:
            results = ComplianceResult.objects.filter(year=year)
            if unit is not None:
                results = results.filter(selectors.scope_filter(unit))
            results.delete()
        rollups.delete()
        # The results are computed while they are written (a streamed COPY on PostgreSQL).
        with collector_paused(), progress.copying():
            n_results = write(ComplianceResult, RESULT_COLUMNS, result_rows(), shared=True,
                              table=year_table.create() if year_table else None)
        counter.count += 1 if n_results and connection.vendor == "postgresql" else 0

        # A legacy district's records count in its successor province's subtree only (no unit's own figures).
        for province, sums in districts.items():
            if province in vectors:
                vectors[province] = with_district(vectors[province], sums, periods, targets, thresholds)
        # Subtree sums, bottom-up: each unit adds its subtree's vector to its parent's (deepest first).
        for u in sorted(units, key=lambda u: u["depth"], reverse=True):
            parent = u["parent_id"]
            if parent in vectors:
                vectors[parent] = [a + b for a, b in zip(vectors[parent], vectors[u["id"]])]
        # Roll-ups are stored for the localities that have units below them; a leaf locality's roll-up is its
        # own results (selectors.compliance_summary derives it on reading), so 3,300 communes store none.
        judge = RollupJudge(targets=targets_by_code, thresholds=thresholds, now=now)
        has_units_below = {u["parent_id"] for u in units}
        rolled_up = [u for u in units if u["kind"] == Kind.LOCALITY and u["id"] in has_units_below]
        rollup_rows = [
            (u["id"], key, judge.figures(key.target, vectors[u["id"]][VECTOR * i: VECTOR * (i + 1)]))
            for u in rolled_up for i, key in enumerate(keys)
        ]
        # The year's new partition becomes the results table now (in this transaction): the slices read it.
        if year_table is not None:
            year_table.swap_in()
        # The slices (each locality's subtree per level and block, which the filtered dashboards read) of every
        # locality that has a roll-up: those of the scope and those above it (one scan of the stored results for
        # the provinces; the nation's summed from theirs: selectors.slice_sums).
        localities = rolled_up + ancestors
        slices = selectors.slice_sums(year=year, localities=localities)
        # The localities above the subtree: their roll-ups are the sums of their slices (the stored results of
        # their whole subtree), plus the legacy districts' records, which are in no unit's results (they count
        # only in their province's subtree).
        above = districts_above(year=year, ancestors=ancestors, as_of=as_of, reduction_types=reduction_types,
                                hybrid_online=hybrid_online, rules=rules, periods=periods, targets=targets,
                                thresholds=thresholds)
        position = {(key.period, key.target): i for i, key in enumerate(keys)}
        for ancestor in ancestors:
            extra = above.get(ancestor["id"])
            for (period, target), vector in selectors.rollup_vectors(slices[ancestor["id"]]).items():
                if target in targets_by_code:
                    if extra is not None:
                        i = position[period, target]
                        vector = [a + b for a, b in zip(vector, extra[VECTOR * i: VECTOR * (i + 1)])]
                    key = Key(year, period, target, *standing[period])
                    rollup_rows.append((ancestor["id"], key, judge.figures(target, vector)))
        if ancestors:
            ComplianceRollup.objects.filter(year=year, unit_id__in=[a["id"] for a in ancestors]).delete()
        n_rollups = write(ComplianceRollup, ROLLUP_COLUMNS, rollup_rows, shared=True)
        counter.count += 1 if n_rollups and connection.vendor == "postgresql" else 0
        stale = ComplianceSlice.objects.filter(year=year)
        if unit is not None:
            stale = stale.filter(unit_id__in=[locality["id"] for locality in localities])
        stale.delete()
        n_slices = write(ComplianceSlice, SLICE_COLUMNS, (
            (locality_id, year, *(row[column] for column in SLICE_COLUMNS[2:]))
            for locality_id, rows in slices.items() for row in rows))
        counter.count += 1 if n_slices and connection.vendor == "postgresql" else 0

    if progress:
        progress(total, total)
    return ComputeSummary(year=year, units=total, results=n_results, rollups=n_rollups, queries=None, seconds=0.0)
