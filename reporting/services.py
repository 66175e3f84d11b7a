"""The compliance engine: compute every target for every unit of a year (or a subtree), store results and roll-ups.

Set-based: a fixed number of aggregate queries for the whole country (see selectors), the rules applied in
Python over the aggregated numbers (reporting/rules.py), results and roll-ups replaced in one transaction.

Periods: "Y" and each quarter to date (Q1..Q4), on the windows of reporting/periods.py (calendar or Decree 09).
For the current year, quarters that have not ended (or started) are computed on the data so far, so the
rows always exist: a not-yet-started quarter simply equals the previous one.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from reform.choices import Applicability, Comparison, Kind, Level
from reform.models import Target, Unit

from . import rules, selectors
from .choices import Status
from .models import ComplianceResult, ComplianceRollup
from .periods import PERIODS_TO_DATE, period_quarters, to_date_window

logger = logging.getLogger(__name__)

WRITE_BATCH = 2000

# How each target reads the aggregated numbers: (measure of the numerator, of the denominator or None,
# of the baseline or None, how the numerator is derived). `complying` = denominator minus offenders.
MEASURES: dict[str, dict[str, Any]] = {
    "DOC_REDUCTION": {"numerator": "red", "baseline": "red_prev"},
    "MEETING_REDUCTION": {"numerator": "n", "baseline": "n_prev"},
    "MEETING_ONLINE_SHARE": {"numerator": "in_person", "denominator": "n"},
    "PROVINCE_WIDE_CAP": {"numerator": "cap", "denominator": "cap_all"},
    "COMMUNE_WIDE_CAP": {"numerator": "cap", "denominator": "cap_all"},
    "CONFERENCE_DURATION": {"offending": "dur_bad", "denominator": "n"},
    "SPEECH_LIMITS": {"offending": "speech_bad", "denominator": "speech_rec"},
    "CONFERENCE_BUDGET": {"offending": "budget_bad", "denominator": "budget_rec"},
    "NO_REPEAT_CONFERENCE": {"offending": "reheld", "denominator": "n"},
    "PROCEDURES_DIGITAL": {"numerator": "proc_digital", "denominator": "proc_total"},
    "DOC_DIGITIZATION": {"numerator": "dig", "denominator": "all"},
    "DOC_NETWORK": {"numerator": "net", "denominator": "all"},
}
OFFENDER_TARGETS = ("CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET", "NO_REPEAT_CONFERENCE")
CAP_TARGETS = ("PROVINCE_WIDE_CAP", "COMMUNE_WIDE_CAP")

STATUS_INDEX = {s: i for i, s in enumerate(
    (Status.MET, Status.MISSED, Status.NO_BASELINE, Status.NO_DATA, Status.NOT_APPLICABLE))}
# A roll-up vector per (period, target): five status counts, then summed numerator, denominator, baseline.
VECTOR = 8


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


class _QueryCounter:
    """Counts SQL statements (plus COPYs, which bypass Django's cursor) during a compute."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def applies(target: Target, unit: dict) -> bool:
    if target.applies_to == Applicability.PROVINCIAL_LOCALITIES:
        return unit["kind"] == Kind.LOCALITY and unit["level"] == Level.PROVINCIAL
    if target.applies_to == Applicability.COMMUNE_LOCALITIES:
        return unit["kind"] == Kind.LOCALITY and unit["level"] == Level.COMMUNE
    return True


def _to_date(numbers: dict[str, list[int]] | None, measure: str | None, last_quarter: int) -> int:
    if measure is None or numbers is None:
        return 0
    return sum(numbers[measure][:last_quarter])


def numbers_for(code: str, data: dict[str, list[int]], last_quarter: int) -> dict[str, int]:
    """The numerator/denominator/baseline of one target for one unit, over quarters 1..last_quarter."""
    spec = MEASURES[code]
    denominator = _to_date(data, spec.get("denominator"), last_quarter)
    if "offending" in spec:
        numerator = denominator - _to_date(data, spec["offending"], last_quarter)
    else:
        numerator = _to_date(data, spec.get("numerator"), last_quarter)
    return {"numerator": numerator, "denominator": denominator, "baseline": _to_date(data, spec.get("baseline"),
                                                                                     last_quarter)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _offender_row(code: str, row: dict, limits: dict) -> dict:
    item = {"id": row["id"], "title": row["title"], "held_on": row["held_on"].isoformat()}
    if code == "CONFERENCE_DURATION":
        item.update(category=row["category"], figure=_jsonable(row["duration_days"]),
                    limit=_jsonable((limits.get("max_days") or {}).get(row["category"])))
    elif code == "SPEECH_LIMITS":
        figure, limit = {}, {}
        for field, key in selectors.SPEECH_FIELDS:
            if row[field] is not None and limits.get(key) is not None and row[field] > int(limits[key]):
                figure[field], limit[field] = row[field], int(limits[key])
        item.update(figure=figure, limit=limit)
    elif code == "CONFERENCE_BUDGET":
        item.update(figure=row["budget_spent"], limit=row["budget_allocated"])
    elif code == "NO_REPEAT_CONFERENCE":
        item.update(figure=True, limit=False)
    elif code in CAP_TARGETS:
        item.update(figure=1, limit=None)
    return item


RESULT_COLUMNS = ("unit_id", "year", "period", "target_id", "status", "value", "threshold", "numerator",
                  "denominator", "baseline", "details", "computed_at")
ROLLUP_COLUMNS = ("unit_id", "year", "period", "target_id", "n_met", "n_missed", "n_no_baseline", "n_no_data",
                  "n_not_applicable", "n_units", "status", "value", "threshold", "numerator", "denominator",
                  "baseline", "computed_at")


def _write(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows fast: COPY on PostgreSQL, batched bulk_create elsewhere (the SQLite demo).

    Rows are tuples in `columns` order; `details` holds a dict (shared between identical results, so its
    JSON is encoded once) and `computed_at` a datetime.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        details_at = columns.index("details") if "details" in columns else None
        when_at = columns.index("computed_at")
        when = rows[0][when_at].isoformat()
        encoded: dict[int, str] = {}
        buffer = io.StringIO()
        writer = csv.writer(buffer)  # None is written as an unquoted empty field: NULL for COPY
        for row in rows:
            row = list(row)
            row[when_at] = when
            if details_at is not None:
                details = row[details_at]
                key = id(details)
                text = encoded.get(key)
                if text is None:
                    text = encoded[key] = json.dumps(details, ensure_ascii=False)
                row[details_at] = text
            writer.writerow(row)
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c.removesuffix("_id")).column)
                          for c in columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) "
                               f"FROM STDIN WITH (FORMAT csv)", buffer)
        return
    # Elsewhere (SQLite): one executemany of a plain INSERT; bulk_create would split 200,000 rows into
    # thousands of statements under SQLite's variable limit.
    ops = connection.ops
    fields = [model._meta.get_field(c.removesuffix("_id")) for c in columns]
    adapters = []
    for f in fields:
        if f.get_internal_type() == "DecimalField":
            adapters.append(lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
        elif f.get_internal_type() == "DateTimeField":
            adapters.append(lambda v, f=f: f.get_db_prep_value(v, connection))
        elif f.get_internal_type() == "JSONField":
            adapters.append(lambda v: json.dumps(v, ensure_ascii=False))
        else:
            adapters.append(None)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (f"INSERT INTO {ops.quote_name(model._meta.db_table)} "
           f"({', '.join(ops.quote_name(f.column) for f in fields)}) VALUES ({placeholders})")
    params = [
        [value if adapt is None or value is None else adapt(value) for value, adapt in zip(row, adapters)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), WRITE_BATCH * 25):
            cursor.executemany(sql, params[start:start + WRITE_BATCH * 25])


def _lock_year(year: int) -> None:
    """Serialise recomputes of the same year, so two overlapping ones never interleave delete and insert."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [226, year])


class _Rollups:
    """Builds roll-up rows; identical subtree vectors (common: empty communes) are judged once."""

    def __init__(self, *, year: int, targets: dict[str, Target], thresholds: dict, now) -> None:
        self.year, self.targets, self.thresholds, self.now = year, targets, thresholds, now
        self.memo: dict[tuple, tuple] = {}

    def row(self, *, unit_id: int, period: str, code: str, vector: list[int] | tuple[int, ...]) -> tuple:
        vector = tuple(vector)
        key = (code, vector)
        judged = self.memo.get(key)
        if judged is None:
            threshold = self.thresholds.get(code)
            if threshold is None:
                result = rules.not_applicable()
            else:
                result = rules.aggregate(
                    self.targets[code].comparison, threshold.threshold, numerator=vector[5],
                    denominator=vector[6], baseline=vector[7],
                    status_counts={status: vector[i] for status, i in STATUS_INDEX.items()},
                )
            judged = self.memo[key] = (
                *vector[:5], sum(vector[:5]), str(result.status), result.value, result.threshold,
                result.numerator, result.denominator, result.baseline,
            )
        return (unit_id, self.year, period, code, *judged, self.now)


def compliance_compute(
    *, year: int, unit: Unit | None = None, progress: Callable[[int, int], None] | None = None,
) -> ComputeSummary:
    """Compute every target for every unit (or `unit`'s subtree) for "Y" and Q1..Q4 to date, and store the
    results and the roll-ups of every locality in the scope and above it, atomically."""
    started = time.monotonic()
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        summary = _compute(year=year, unit=unit, progress=progress, counter=counter)
    summary.queries = counter.count
    summary.seconds = time.monotonic() - started
    logger.info("compliance_compute %s", summary.as_dict())
    return summary


def _compute(*, year: int, unit: Unit | None, progress, counter: _QueryCounter) -> ComputeSummary:
    units = selectors.scope_units(unit=unit)
    ancestors = selectors.ancestor_localities(unit=unit)
    targets = [t for t in Target.objects.order_by("order", "code") if t.code in MEASURES]
    thresholds = selectors.thresholds_for_year(year=year)
    hybrid_online = selectors.hybrid_counts_as_online()
    params = {code: (thresholds[code].parameters if code in thresholds else {}) or {} for code in MEASURES}
    total = len(units)
    if progress:
        progress(0, total)

    documents = selectors.document_counts(year=year, unit=unit, reduction_types=selectors.reduction_type_codes())
    conferences = selectors.conference_counts(
        year=year, unit=unit, hybrid_online=hybrid_online,
        duration_limits=params["CONFERENCE_DURATION"].get("max_days") or {},
        speech_limits=params["SPEECH_LIMITS"],
    )
    digitization = selectors.digitization_sums(year=year, unit=unit)
    offender_conditions = {
        "CONFERENCE_DURATION": selectors.duration_violation(params["CONFERENCE_DURATION"].get("max_days") or {}),
        "SPEECH_LIMITS": selectors.speech_violation(params["SPEECH_LIMITS"]),
        "CONFERENCE_BUDGET": selectors.budget_violation(),
        "NO_REPEAT_CONFERENCE": Q(reheld_after_online=True),
        "PROVINCE_WIDE_CAP": selectors.cap_condition(),
    }
    offenders = {
        code: selectors.conference_offenders(year=year, unit=unit, target=code, condition=condition)
        for code, condition in offender_conditions.items()
    }
    offenders["COMMUNE_WIDE_CAP"] = offenders["PROVINCE_WIDE_CAP"]

    now = timezone.now()
    periods = [(period, period_quarters(period)[-1], to_date_window(year, period)[1]) for period in PERIODS_TO_DATE]
    keys = [(period, target.code) for period, _q, _end in periods for target in targets]
    targets_by_code = {t.code: t for t in targets}
    zero = [0, 0, 0, 0]
    measure_names = (*selectors.DOCUMENT_MEASURES, *selectors.CONFERENCE_MEASURES, *selectors.DIGITIZATION_MEASURES)
    # Identical inputs give identical results (many units share them, e.g. no records at all): judge once.
    memo: dict[tuple, tuple] = {}
    result_rows: list[tuple] = []
    vectors: dict[int, list[int]] = {}

    for done, u in enumerate(units, 1):
        uid = u["id"]
        data: dict[str, list[int]] = dict.fromkeys(measure_names, zero)
        for source in (documents, conferences, digitization):
            found = source.get(uid)
            if found:
                data.update(found)
        vector: list[int] = []
        for period, last_quarter, end in periods:
            for target in targets:
                code = target.code
                numbers = numbers_for(code, data, last_quarter)
                applicable = applies(target, u)
                key = (code, applicable, numbers["numerator"], numbers["denominator"], numbers["baseline"])
                judged = memo.get(key)
                if judged is None:
                    threshold = thresholds.get(code)
                    if threshold is None:
                        result = rules.not_applicable(reason="before_applies_from")
                    elif not applicable:
                        result = rules.not_applicable(threshold=threshold.threshold, reason="does_not_apply")
                    else:
                        result = rules.evaluate(target.comparison, threshold.threshold, numbers)
                    judged = memo[key] = (str(result.status), result.value, result.threshold, result.numerator,
                                          result.denominator, result.baseline, result.details)
                status, value, threshold_value, numerator, denominator, baseline, details = judged
                if status == Status.MISSED and code in offenders:
                    details = dict(details)
                    details["offenders"] = [
                        _offender_row(code, row, params[code]) for row in offenders[code].get(uid, ())
                        if row["held_on"] <= end
                    ]
                    details["offenders_total"] = (
                        numbers["denominator"] - numbers["numerator"] if code in OFFENDER_TARGETS
                        else numbers["numerator"])
                result_rows.append((uid, year, period, code, status, value, threshold_value, numerator, denominator,
                                    baseline, details, now))
                counted = [0, 0, 0, 0, 0, 0, 0, 0]
                counted[STATUS_INDEX[status]] = 1
                if status != Status.NOT_APPLICABLE:
                    counted[5], counted[6], counted[7] = numerator or 0, denominator or 0, baseline or 0
                vector += counted
        vectors[uid] = vector
        if progress and done % 500 == 0:
            progress(done, total)

    # Subtree sums, bottom-up: each unit adds its subtree's vector to its parent's (deepest first).
    for u in sorted(units, key=lambda u: u["depth"], reverse=True):
        parent = u["parent_id"]
        if parent in vectors:
            vectors[parent] = [a + b for a, b in zip(vectors[parent], vectors[u["id"]])]
    builder = _Rollups(year=year, targets=targets_by_code, thresholds=thresholds, now=now)
    rollup_rows = [
        builder.row(unit_id=u["id"], period=period, code=code,
                    vector=vectors[u["id"]][VECTOR * i: VECTOR * (i + 1)])
        for u in units if u["kind"] == Kind.LOCALITY
        for i, (period, code) in enumerate(keys)
    ]

    with transaction.atomic():
        _lock_year(year)
        results = ComplianceResult.objects.filter(year=year)
        rollups = ComplianceRollup.objects.filter(year=year)
        if unit is not None:
            results = results.filter(unit__path__startswith=unit.path)
            rollups = rollups.filter(unit__path__startswith=unit.path)
        results.delete()
        rollups.delete()
        _write(ComplianceResult, RESULT_COLUMNS, result_rows)
        counter.count += 1 if result_rows and connection.vendor == "postgresql" else 0
        # The localities above the subtree: their roll-ups read the stored results of their whole subtree.
        ancestor_rows = []
        for ancestor in ancestors:
            for row in selectors.rollup_sums_for(year=year, ancestor=ancestor):
                if row["target_id"] not in targets_by_code:
                    continue
                vector = (row["n_met"], row["n_missed"], row["n_no_baseline"], row["n_no_data"],
                          row["n_not_applicable"], row["sum_numerator"] or 0, row["sum_denominator"] or 0,
                          row["sum_baseline"] or 0)
                ancestor_rows.append(builder.row(unit_id=ancestor["id"], period=row["period"],
                                                 code=row["target_id"], vector=vector))
        if ancestors:
            ComplianceRollup.objects.filter(year=year, unit_id__in=[a["id"] for a in ancestors]).delete()
        _write(ComplianceRollup, ROLLUP_COLUMNS, rollup_rows + ancestor_rows)
        counter.count += 1 if (rollup_rows or ancestor_rows) and connection.vendor == "postgresql" else 0

    if progress:
        progress(total, total)
    return ComputeSummary(year=year, units=total, results=len(result_rows),
                          rollups=len(rollup_rows) + len(ancestor_rows), queries=None, seconds=0.0)
