"""Integrity signals: where a unit's figures may not reflect what happened (numbers skipped in a register, a fall far
beyond the target, relabelling, silence, back-filling), computed with the compliance results of a year.

Set-based like the engine: a fixed number of aggregate queries for the country or a subtree (two scans of the
documents, one of the conferences, one join through approved reports, one read of the stored results and one of the
digitisation reports), the rules applied in Python over the aggregates (the pure functions at the top), and the
signals upserted so that a review survives a recompute that finds the same evidence (`signals_store`).

Messages are built when they are read, in the reader's language, from `kind` and `params` (`signal_message`).
The aggregate queries are PostgreSQL's (FILTER, COLLATE "C", array_agg, extract). Elsewhere (the embedded SQLite demo)
the same signals come from a portable path (`portable=True`, or the setting SIGNALS_PORTABLE on PostgreSQL, which the
tests use to run both paths on the same data): the year's documents and the two windows' conferences are streamed once
and aggregated in Python, with the series key of documents/series.py's `series_key` (the SQL's twin, checked row by
row), and the rest is the ORM or SQL both databases run.

Over 400 lines for now: the signals share their reads (one pass over a register feeds several signals) and both
paths must give the same rows, so they were kept together; the messages, the storing and the review could leave
for modules of their own (as the dashboards did) once the work on the messages' language has landed.
"""
from __future__ import annotations

import datetime
import json
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.choices import Quarter
from documents.models import DigitizationReport, Document
from documents.series import SERIES_KEY_SQL, SERIES_NUMBER_SQL, sequence_of, series_key, written_series
from meetings.models import Conference
from reform import formatting
from reform.models import Unit
from reports.models import PeriodReport, PeriodReportEvent

from .choices import ReviewState, Severity, SignalKind
from .models import ComplianceResult, Signal, SignalThreshold
from .periods import quarter_window, same_day_year_before
from .signal_thresholds import DEFAULTS, parameters_with_defaults

logger = logging.getLogger(__name__)

RANK = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
MISSING_LISTED = 30  # missing numbers kept in a number_gaps signal's evidence
# Evidence about the peers changes with every other unit's figures; it is shown, not compared (see signals_store).
CONTEXT_KEYS = ("peers",)
SIGNALS_LOCK_SPACE = 2261  # pg_advisory_xact_lock(space, year): one signals_compute of a year at a time


@dataclass
class Found:
    unit_id: int
    kind: str
    key: str
    severity: str
    params: dict[str, Any]
    evidence: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------
# Pure rules (plain numbers in, a verdict out)
# ---------------------------------------------------------------------------------------------------------------


def modified_z_scores(values: Sequence[float]) -> list[float | None]:
    """Iglewicz and Hoaglin's modified z-score of each value, 0.6745 (x - median) / MAD (DHIS2's outlier detection):
    None for every value when the MAD is 0 (more than half the peers equal: no spread to judge against)."""
    if len(values) < 3:
        return [None] * len(values)
    median = statistics.median(values)
    mad = statistics.median([abs(v - median) for v in values])
    if mad == 0:
        return [None] * len(values)
    return [0.6745 * (v - median) / mad for v in values]


def missing_numbers(numbers: Iterable[int], start: int, highest: int) -> list[int]:
    """The numbers from `start` to `highest` that are not in `numbers`."""
    present = set(numbers)
    return [n for n in range(start, highest + 1) if n not in present]


def gap_verdict(*, registered: int, start: int, highest: int, unparsed: int, p: dict) -> tuple[str, int, int] | None:
    """(severity, missing, expected) of a series with `registered` distinct numbers from `start` to `highest`, or
    None. The unit's unparseable symbols of the year may be the missing ones once corrected, so they are taken off
    the missing before judging (the evidence still says how many are missing)."""
    expected = highest - start + 1
    missing = expected - registered
    if expected <= 0 or missing - unparsed < p["min_missing"] or missing / expected < p["min_share"]:
        return None
    severity = Severity.CRITICAL if missing / expected >= p["critical_share"] else Severity.WARNING
    return severity, missing, expected


def shift_verdict(*, part_before: int, total_before: int, part_now: int, total_now: int, p: dict) -> float | None:
    """The rise (in share points) of a part of a total, when both totals reach `min_total` and it rose by at least
    `share_points`; else None."""
    if total_before < p["min_total"] or total_now < p["min_total"]:
        return None
    rise = part_now / total_now - part_before / total_before
    return rise if rise >= p["share_points"] - 1e-9 else None


# ---------------------------------------------------------------------------------------------------------------
# Messages (built when read, in the reader's language)
# ---------------------------------------------------------------------------------------------------------------

MESSAGES = {
    SignalKind.NUMBER_GAPS: _("%(missing)s of %(expected)s numbers missing in series %(series)s"),
    SignalKind.SHARP_DROP: _("%(register)s fell by %(fall)s%% against the same window a year before (%(before)s to "
                             "%(now)s)"),
    SignalKind.TYPE_SHIFT: _("The share of %(doc_type)s documents moved by %(points)s points (%(before)s%% to "
                             "%(now)s%%) while the total fell by %(fall)s%%"),
    SignalKind.REGULAR_SESSION_SHIFT: _("Conferences flagged as regular sessions rose from %(before)s%% to %(now)s%%"),
    SignalKind.HYBRID_SHIFT: _("Hybrid conferences rose from %(before)s%% to %(now)s%% of the countable ones"),
    SignalKind.SILENT_UNIT: _("No %(register)s recorded while %(peers)s%% of its peers recorded some"),
    SignalKind.MISSING_REPORT: _("No digitisation report for %(quarters)s"),
    SignalKind.LATE_ENTRY: _("%(count)s records of %(quarter)s entered more than %(days)s days after their date"),
}
LATE_AFTER_APPROVAL = _("%(count)s records of %(quarter)s entered after its report was approved")
CLEARS = {
    SignalKind.NUMBER_GAPS: _("Numbers %(numbers)s are missing: register them or record why."),
    SignalKind.SHARP_DROP: _("Check that every document and conference of the window is registered; if the fall is "
                             "real, record why."),
    SignalKind.TYPE_SHIFT: _("Check the type of the documents registered this year; if the mix really changed, "
                             "record why."),
    SignalKind.REGULAR_SESSION_SHIFT: _("Check that only statutory regular sessions are flagged as such."),
    SignalKind.HYBRID_SHIFT: _("Check the format of the conferences marked hybrid (a main hall with online "
                               "connection points)."),
    SignalKind.SILENT_UNIT: _("Register the unit's %(register)s of the window, or record why it had none."),
    SignalKind.MISSING_REPORT: _("Enter the digitisation report of %(quarters)s."),
    SignalKind.LATE_ENTRY: _("Enter records when they are issued or held; record why these came late."),
}
REGISTERS = {"documents": _("documents"), "conferences": _("countable conferences")}
# The evidence as reviewers read it: each stored key's label (keys without one are not shown; the API gives them all).
EVIDENCE_LABELS = {
    "series": _("series"), "one_sequence": _("one sequence for several types"), "from": _("judged from number"),
    "highest": _("highest number"), "registered": _("numbers registered"), "missing": _("numbers missing"),
    "missing_numbers": _("missing numbers"), "unparsed": _("symbols that could not be read"),
    "start_reason": _("why from that number"), "register": _("register"), "before": _("the year before"),
    "now": _("this year"), "fall": _("fall"), "beyond_bound": _("beyond the bound"),
    "outlier": _("far from its peers"), "total_before": _("total the year before"), "total_now": _("total this year"),
    "moved": _("types that moved"), "regular_before": _("regular sessions the year before"),
    "regular_now": _("regular sessions this year"), "hybrid_before": _("hybrid the year before"),
    "hybrid_now": _("hybrid this year"), "countable_before": _("countable the year before"),
    "countable_now": _("countable this year"), "rise_points": _("rise (percentage points)"), "quarter": _("quarter"),
    "quarters": _("quarters"), "late": _("entered late"), "after_approval": _("entered after approval"),
    "records": _("records"),
}
START_REASONS = {"late_start": _("the series began after January")}
# Stored as fractions (0.1381): shown as percentages.
FRACTION_KEYS = ("fall",)


def _quarter(year: int, quarter: int) -> str:
    """A quarter as people read it: "Quý I/2026" (the stored messages' Q1/2026 is a code)."""
    return f"{Quarter(quarter).label}/{year}"


def _localized(params: dict, signal: Signal | None = None) -> dict:
    out = {}
    for key, value in params.items():
        if key == "register" and value in REGISTERS:
            value = REGISTERS[value]
        else:
            value = formatting.number(value)  # a number (or numeric text) as the language writes it; words as they are
        out[key] = value
    evidence = (signal.evidence or {}) if signal is not None else {}
    if signal is not None and "quarters" in params and isinstance(evidence.get("quarters"), list):
        out["quarters"] = ", ".join(_quarter(signal.year, q) for q in evidence["quarters"])
    if signal is not None and "quarter" in params and isinstance(evidence.get("quarter"), int):
        out["quarter"] = _quarter(signal.year, evidence["quarter"])
    return out


def _evidence_value(signal: Signal, key: str, value) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if key in FRACTION_KEYS and isinstance(value, (int, float)):
        return f"{formatting.percent(value, places=1)} %"
    if key == "register":
        return str(REGISTERS.get(value, value))
    if key == "start_reason":
        return str(START_REASONS.get(value, value))
    if key == "quarter" and isinstance(value, int):
        return _quarter(signal.year, value)
    if key == "quarters" and isinstance(value, list):
        return ", ".join(_quarter(signal.year, q) for q in value)
    if isinstance(value, list):
        return ", ".join(formatting.number(item) for item in value)
    return formatting.number(value)


def signal_evidence(signal: Signal) -> str:
    """The evidence of a signal for people, in the active language: "hybrid this year: 6, rise (points): 20,5"."""
    return ", ".join(f"{EVIDENCE_LABELS[key]}: {_evidence_value(signal, key, value)}"
                     for key, value in (signal.evidence or {}).items()
                     if key in EVIDENCE_LABELS and value not in (None, "", [], {}) and not isinstance(value, dict))


def signal_message(signal: Signal) -> str:
    """The signal's message in the active language."""
    params = _localized(signal.params or {}, signal)
    if signal.kind == SignalKind.LATE_ENTRY and params.get("after_approval"):
        return str(LATE_AFTER_APPROVAL) % params
    try:
        return str(MESSAGES[signal.kind]) % params
    except (KeyError, ValueError, TypeError):
        return str(signal.kind)


def signal_clears(signal: Signal) -> str:
    """What would clear the signal, for the officers of its unit."""
    params = _localized(signal.params or {}, signal)
    if signal.kind == SignalKind.NUMBER_GAPS:
        listed = (signal.evidence or {}).get("missing_numbers") or []
        more = (signal.evidence or {}).get("missing", 0) > len(listed)
        params["numbers"] = ", ".join(formatting.number(n) for n in listed) + (" ..." if more else "")
    try:
        return str(CLEARS[signal.kind]) % params
    except (KeyError, ValueError, TypeError):
        return ""


# ---------------------------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------------------------


def signal_parameters(*, year: int) -> dict[str, dict[str, float]]:
    """Each kind's parameters in force in `year` (the latest row with applies_from <= year, over the defaults)."""
    stored: dict[str, dict] = {}
    for row in SignalThreshold.objects.filter(applies_from__lte=year).order_by("kind", "applies_from"):
        stored[row.kind] = row.parameters
    return {kind: parameters_with_defaults(kind, stored.get(kind)) for kind in DEFAULTS}


def _rows(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _scope_sql(alias: str, unit: Unit | None) -> tuple[str, list]:
    if unit is None:
        return "", []
    return (f" AND {alias}.unit_id IN (SELECT id FROM {Unit._meta.db_table} WHERE path LIKE %s)",
            [unit.path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"])


def _quarter_label(year: int, quarter: int) -> str:
    return f"Q{quarter}/{year}"


# ---------------------------------------------------------------------------------------------------------------
# The kinds
# ---------------------------------------------------------------------------------------------------------------


def _documents_of_year(*, year: int, unit: Unit | None, window_end: datetime.date, late_days: int) -> list[tuple]:
    """One scan of the year's documents: per unit, type and series key (NULL: an unparseable symbol), the count, the
    count without a letter after the number, the highest and lowest number, the first date, one number as written,
    and per calendar quarter the documents entered more than `late_days` after their date."""
    scope, scope_params = _scope_sql("d", unit)
    bounds = [datetime.date(year, month, 1) for month in (4, 7, 10)]
    late = f"d.created_at > d.issued_on + {int(late_days) + 1}"
    sql = (f"SELECT unit_id, doc_type_id, series, count(*), count(*) FILTER (WHERE plain), max(n), min(n), "
           f"min(issued_on), min(number COLLATE \"C\"), "
           f"count(*) FILTER (WHERE late AND issued_on < %s), "
           f"count(*) FILTER (WHERE late AND issued_on >= %s AND issued_on < %s), "
           f"count(*) FILTER (WHERE late AND issued_on >= %s AND issued_on < %s), "
           f"count(*) FILTER (WHERE late AND issued_on >= %s) "
           f"FROM (SELECT d.unit_id, d.doc_type_id, d.issued_on, d.number, ({SERIES_KEY_SQL}) COLLATE \"C\" AS series, "
           f"{SERIES_NUMBER_SQL} AS n, left(ltrim(d.number_key, '0123456789'), 1) IN ('/', '-') AS plain, "
           f"{late} AS late FROM {Document._meta.db_table} d WHERE d.year = %s AND d.issued_on <= %s{scope}) x "
           f"GROUP BY 1, 2, 3")
    return _rows(sql, [bounds[0], bounds[0], bounds[1], bounds[1], bounds[2], bounds[2], year, window_end,
                       *scope_params])


def _documents_before(*, unit: Unit | None, window: tuple) -> list[tuple]:
    """Per unit and type, the documents of the same window a year before."""
    scope, scope_params = _scope_sql("d", unit)
    sql = (f"SELECT d.unit_id, d.doc_type_id, count(*) FROM {Document._meta.db_table} d "
           f"WHERE d.year IN (%s, %s) AND d.issued_on BETWEEN %s AND %s{scope} GROUP BY 1, 2")
    return _rows(sql, [window[0].year, window[1].year, *window, *scope_params])


# --- the portable path: the same rows as the queries above, from a stream of the records (any database) -------------

_DIGITS = "0123456789"
STREAM_CHUNK = 5000


def _in_scope(queryset, unit: Unit | None):
    return queryset if unit is None else queryset.in_subtree(unit)


def _quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def _documents_of_year_portable(*, year: int, unit: Unit | None, window_end: datetime.date,
                                late_days: int) -> tuple[list[tuple], dict[tuple[int, str], set[int]]]:
    """`_documents_of_year`'s rows from one stream of the year's documents, and the numbers registered in each
    (unit, series) (what `_number_gaps` otherwise reads for the units found wanting). "Late" is the SQL's
    `created_at > issued_on + late_days + 1`: the date's midnight in the connection's time zone, UTC."""
    groups: dict[tuple, list] = {}
    numbers: dict[tuple[int, str], set[int]] = defaultdict(set)
    cutoffs: dict[datetime.date, datetime.datetime] = {}
    late_after = datetime.timedelta(days=int(late_days) + 1)
    documents = _in_scope(Document.objects.filter(year=year, issued_on__lte=window_end), unit).order_by()
    for unit_id, doc_type, key, needs_review, issued_on, number, created_at in documents.values_list(
            "unit_id", "doc_type_id", "number_key", "needs_review", "issued_on", "number", "created_at",
    ).iterator(chunk_size=STREAM_CHUNK):
        series, n = series_key(key, needs_review)
        group = groups.get((unit_id, doc_type, series))
        if group is None:
            # count, plain, highest, lowest, first date, first number as written (code point order: COLLATE "C"),
            # late per quarter
            group = groups[unit_id, doc_type, series] = [0, 0, n, n, issued_on, number, 0, 0, 0, 0]
        group[0] += 1
        if (key or "").lstrip(_DIGITS)[:1] in ("/", "-"):
            group[1] += 1
        if n is not None:
            numbers[unit_id, series].add(n)
            if n > group[2]:
                group[2] = n
            if n < group[3]:
                group[3] = n
        if issued_on < group[4]:
            group[4] = issued_on
        if number < group[5]:
            group[5] = number
        cutoff = cutoffs.get(issued_on)
        if cutoff is None:
            cutoff = cutoffs[issued_on] = datetime.datetime.combine(issued_on + late_after, datetime.time(),
                                                                    tzinfo=datetime.timezone.utc)
        if created_at > cutoff:
            group[5 + _quarter_of(issued_on)] += 1
    return [(*ident, *figures) for ident, figures in groups.items()], numbers


def _documents_before_portable(*, unit: Unit | None, window: tuple) -> list[tuple]:
    documents = Document.objects.filter(year__in=[window[0].year, window[1].year], issued_on__range=window)
    return list(_in_scope(documents, unit).order_by().values_list("unit_id", "doc_type_id").annotate(Count("id")))


def _conference_figures_portable(*, year: int, unit: Unit | None, current: tuple, previous: tuple,
                                 late_days: int) -> list[tuple]:
    """`_conference_figures`'s rows from one stream of the two windows' conferences ("late": the UTC date of entry
    more than `late_days` after the date held, as the SQL's `created_at::date` on a UTC connection)."""
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    conferences = _in_scope(Conference.objects.filter(Q(held_on__range=current) | Q(held_on__range=previous)), unit)
    for unit_id, held_on, regular, fmt, created_at in conferences.order_by().values_list(
            "unit_id", "held_on", "is_regular_session", "format", "created_at").iterator(chunk_size=STREAM_CHUNK):
        sums = groups[unit_id, held_on >= current[0], _quarter_of(held_on)]
        sums[0] += 1
        sums[1] += bool(regular)
        sums[2] += not regular
        sums[3] += (not regular and fmt == "hybrid")
        sums[4] += (created_at.astimezone(datetime.timezone.utc).date() - held_on).days > late_days
    return [(*ident, *sums) for ident, sums in groups.items()]


def _entered_after_approval_portable(*, year: int, unit: Unit | None) -> dict[tuple[int, int], int]:
    """`_entered_after_approval` in SQL both databases run (the quarter by comparison, the scope with an explicit
    LIKE escape)."""
    units, reports, events = Unit._meta.db_table, PeriodReport._meta.db_table, PeriodReportEvent._meta.db_table
    bounds = [datetime.date(year, month, 1) for month in (4, 7, 10)]
    found: dict[tuple[int, int], int] = defaultdict(int)
    for table, date in ((Document._meta.db_table, "issued_on"), (Conference._meta.db_table, "held_on")):
        scope, scope_params = "", []
        if unit is not None:
            scope = f" AND x.unit_id IN (SELECT id FROM {units} WHERE path LIKE %s ESCAPE '\\')"
            scope_params = [unit.path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]
        sql = (f"SELECT x.unit_id, CASE WHEN x.{date} < %s THEN 1 WHEN x.{date} < %s THEN 2 WHEN x.{date} < %s "
               f"THEN 3 ELSE 4 END, count(DISTINCT x.id) FROM {reports} r "
               f"JOIN {events} e ON e.report_id = r.id AND e.action = 'approve' "
               f"JOIN {units} ru ON ru.id = r.unit_id "
               f"JOIN {units} u ON u.path LIKE ru.path || '%%' "
               f"JOIN {table} x ON x.unit_id = u.id AND x.{date} BETWEEN r.window_start AND r.window_end "
               f"AND x.created_at > e.at "
               f"WHERE x.{date} BETWEEN %s AND %s{scope} GROUP BY 1, 2")
        for unit_id, quarter, count in _rows(sql, [*bounds, datetime.date(year, 1, 1), datetime.date(year, 12, 31),
                                                   *scope_params]):
            found[unit_id, quarter] += count
    return found


def _registered_numbers(*, year: int, unit: Unit | None, window_end: datetime.date,
                        unit_ids: list[int]) -> dict[tuple[int, str], set[int]]:
    """The numbers registered in each (unit, series) of the units found wanting: one query."""
    scope, scope_params = _scope_sql("d", unit)
    numbers: dict[tuple[int, str], set[int]] = defaultdict(set)
    for unit_id, series, found in _rows(
            f"SELECT d.unit_id, ({SERIES_KEY_SQL}) AS series, array_agg({SERIES_NUMBER_SQL}) "
            f"FROM {Document._meta.db_table} d WHERE d.year = %s AND d.issued_on <= %s AND d.unit_id = ANY(%s) "
            f"AND NOT d.needs_review{scope} GROUP BY 1, 2",
            [year, window_end, unit_ids, *scope_params]):
        if series is not None:
            numbers[unit_id, series].update(n for n in found if n is not None)
    return numbers


def _number_gaps(*, year: int, unit: Unit | None, window_end: datetime.date, rows: list[tuple], p: dict,
                 unparsed: dict[int, int], registered: dict[tuple[int, str], set[int]] | None = None) -> list[Found]:
    """number_gaps from the year's per-series aggregates (`_documents_of_year`); the numbers themselves are read only
    for the units with a series found wanting (one more query), unless the portable path has them (`registered`)."""
    year_start = datetime.date(year, 1, 1)
    sequences: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for unit_id, doc_type, series, count, plain, highest, lowest, first_on, sample, *_late in rows:
        if series is None:
            continue
        sequences[unit_id, sequence_of(series, doc_type)].append(
            {"key": series, "doc_type": doc_type, "registered": plain or count, "highest": highest, "lowest": lowest,
             "first_on": first_on, "label": written_series(sample)})
    candidates = []
    for (unit_id, sequence), members in sequences.items():
        # The issuer keeps one sequence for several series (Decree 30/2020 leaves it to the issuer) when their
        # numbers together fit in 1..highest: they are judged together. Otherwise each series on its own.
        highest = max(m["highest"] for m in members)
        shared = len(members) > 1 and sum(m["registered"] for m in members) <= highest
        judged = [{"key": sequence, "label": sequence.split(":")[-1].upper(), "highest": highest,
                   "registered": sum(m["registered"] for m in members), "lowest": min(m["lowest"] for m in members),
                   "first_on": min(m["first_on"] for m in members), "keys": [m["key"] for m in members]}] if shared \
            else [dict(m, keys=[m["key"]]) for m in members]
        for entry in judged:
            start, reason = 1, None
            if (entry["first_on"] - year_start).days > p["late_start_days"] and entry["lowest"] > 1:
                # The series began after 1 January (a unit formed mid-year, a register taken over): judged from its
                # first registered number, and the evidence says so.
                start, reason = entry["lowest"], "late_start"
            verdict = gap_verdict(registered=min(entry["registered"], entry["highest"] - start + 1), start=start,
                                  highest=entry["highest"], unparsed=unparsed.get(unit_id, 0), p=p)
            if verdict:
                candidates.append((unit_id, shared, entry, start, reason, verdict))
    if not candidates:
        return []
    numbers = registered if registered is not None else _registered_numbers(
        year=year, unit=unit, window_end=window_end, unit_ids=sorted({c[0] for c in candidates}))
    out = []
    for unit_id, shared, entry, start, reason, (severity, missing, expected) in candidates:
        present = set().union(*(numbers[unit_id, key] for key in entry["keys"]))
        listed = missing_numbers(present, start, entry["highest"])[:MISSING_LISTED]
        out.append(Found(unit_id, SignalKind.NUMBER_GAPS, entry["key"][:128], severity,
                         {"missing": missing, "expected": expected, "series": entry["label"]},
                         {"series": entry["label"], "one_sequence": shared, "from": start, "highest": entry["highest"],
                          "registered": entry["registered"], "missing": missing, "missing_numbers": listed,
                          "unparsed": unparsed.get(unit_id, 0), "start_reason": reason}))
    return out


def _conference_figures(*, year: int, unit: Unit | None, current: tuple, previous: tuple, late_days: int):
    scope, scope_params = _scope_sql("c", unit)
    sql = (f"SELECT c.unit_id, c.held_on >= %s AS cur, extract(quarter FROM c.held_on)::int AS q, count(*), "
           f"count(*) FILTER (WHERE c.is_regular_session), count(*) FILTER (WHERE NOT c.is_regular_session), "
           f"count(*) FILTER (WHERE NOT c.is_regular_session AND c.format = 'hybrid'), "
           f"count(*) FILTER (WHERE (c.created_at::date - c.held_on) > %s) FROM {Conference._meta.db_table} c "
           f"WHERE ((c.held_on BETWEEN %s AND %s) OR (c.held_on BETWEEN %s AND %s)){scope} GROUP BY 1, 2, 3")
    return _rows(sql, [current[0], late_days, *current, *previous, *scope_params])


def _entered_after_approval(*, year: int, unit: Unit | None) -> dict[tuple[int, int], int]:
    """(unit, quarter) -> records of `year` created after a report covering their date was approved (possible only
    through a reopen): the documents and conferences of the approved report's subtree."""
    units, reports, events = Unit._meta.db_table, PeriodReport._meta.db_table, PeriodReportEvent._meta.db_table
    found: dict[tuple[int, int], int] = defaultdict(int)
    for table, date in ((Document._meta.db_table, "issued_on"), (Conference._meta.db_table, "held_on")):
        scope, scope_params = _scope_sql("x", unit)
        sql = (f"SELECT x.unit_id, extract(quarter FROM x.{date})::int, count(DISTINCT x.id) FROM {reports} r "
               f"JOIN {events} e ON e.report_id = r.id AND e.action = 'approve' "
               f"JOIN {units} ru ON ru.id = r.unit_id "
               f"JOIN {units} u ON u.path LIKE ru.path || '%%' "
               f"JOIN {table} x ON x.unit_id = u.id AND x.{date} BETWEEN r.window_start AND r.window_end "
               f"AND x.created_at > e.at "
               f"WHERE x.{date} BETWEEN %s AND %s{scope} GROUP BY 1, 2")
        for unit_id, quarter, count in _rows(sql, [datetime.date(year, 1, 1), datetime.date(year, 12, 31),
                                                   *scope_params]):
            found[unit_id, quarter] += count
    return found


def _percent(value: float) -> str:
    return f"{value * 100:.1f}".rstrip("0").rstrip(".")


def signals_portable(portable: bool | None = None) -> bool:
    """Whether the signals take the portable path: always off PostgreSQL; on it when asked (`portable`, else the
    setting SIGNALS_PORTABLE, default off)."""
    if connection.vendor != "postgresql":
        return True
    return bool(getattr(settings, "SIGNALS_PORTABLE", False) if portable is None else portable)


def signals_find(*, year: int, unit: Unit | None = None, as_of: datetime.date | None = None,
                 portable: bool | None = None) -> list[Found]:
    """Every signal of `year` for the units of the scope (the country, or `unit`'s subtree), computed afresh (on
    PostgreSQL with its aggregate queries, elsewhere or when asked on the portable path: the same signals)."""
    as_of = as_of or timezone.localdate()
    portable = signals_portable(portable)
    p = signal_parameters(year=year)
    # Calendar windows: numbers run per calendar year, and the same window a year before is compared.
    current = (datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of))
    previous = (datetime.date(year - 1, 1, 1), same_day_year_before(current[1]))
    found: list[Found] = []

    # Documents: one scan of the year (series, types, unparseable symbols, late entries), one of the year before.
    # The smaller reads run on a second connection meanwhile, as the engine's do (execution.in_background: only
    # on PostgreSQL outside a transaction, else here and now).
    from .execution import QueryCounter, in_background

    late_days = int(p["late_entry"]["late_days"])
    registered = None
    if portable:
        rows, registered = _documents_of_year_portable(year=year, unit=unit, window_end=current[1],
                                                       late_days=late_days)
        documents_before = _documents_before_portable(unit=unit, window=previous)
        conference_rows = _conference_figures_portable(year=year, unit=unit, current=current, previous=previous,
                                                       late_days=late_days)
        after_approval = _entered_after_approval_portable(year=year, unit=unit)
    else:
        others = in_background(lambda: (
            _documents_before(unit=unit, window=previous),
            _conference_figures(year=year, unit=unit, current=current, previous=previous, late_days=late_days),
            _entered_after_approval(year=year, unit=unit)), QueryCounter())
        rows = _documents_of_year(year=year, unit=unit, window_end=current[1], late_days=late_days)
        documents_before, conference_rows, after_approval = others()
    types: dict[int, dict[bool, dict[str, int]]] = defaultdict(lambda: {True: defaultdict(int), False: defaultdict(int)})
    unparsed: dict[int, int] = defaultdict(int)
    late: dict[tuple[int, int], int] = defaultdict(int)
    for unit_id, doc_type, series, count, _plain, _hi, _lo, first_on, _sample, *late_counts in rows:
        types[unit_id][True][doc_type] += count
        if series is None:
            unparsed[unit_id] += count
        for quarter, n in enumerate(late_counts, start=1):
            late[unit_id, quarter] += n
    for unit_id, doc_type, count in documents_before:
        types[unit_id][False][doc_type] += count
    found += _number_gaps(year=year, unit=unit, window_end=current[1], rows=rows, p=p["number_gaps"],
                          unparsed=unparsed, registered=registered)
    found += _type_shifts(types, p["type_shift"])

    # Conferences: regular sessions and hybrid among the countable, late entries.
    conferences: dict[int, dict[bool, list[int]]] = defaultdict(lambda: {True: [0, 0, 0, 0], False: [0, 0, 0, 0]})
    for unit_id, cur, quarter, total, regular, countable, hybrid, late_count in conference_rows:
        sums = conferences[unit_id][cur]
        for i, value in enumerate((total, regular, countable, hybrid)):
            sums[i] += value
        if cur:
            late[unit_id, quarter] += late_count
    # The two share shifts of conferences: (kind, its parameters, (part, whole) positions in the sums
    # [total, regular, countable, hybrid], and their names in the evidence).
    shifts = ((SignalKind.REGULAR_SESSION_SHIFT, "regular_session_shift", (1, 0), ("regular", "total")),
              (SignalKind.HYBRID_SHIFT, "hybrid_shift", (3, 2), ("hybrid", "countable")))
    for unit_id, by_window in conferences.items():
        before, now = by_window[False], by_window[True]
        for kind, params, (part, whole), (part_name, whole_name) in shifts:
            rise = shift_verdict(part_before=before[part], total_before=before[whole], part_now=now[part],
                                 total_now=now[whole], p=p[params])
            if rise is not None:
                found.append(Found(unit_id, kind, "", Severity.WARNING,
                                   {"before": _percent(before[part] / before[whole]),
                                    "now": _percent(now[part] / now[whole])},
                                   {f"{part_name}_before": before[part], f"{whole_name}_before": before[whole],
                                    f"{part_name}_now": now[part], f"{whole_name}_now": now[whole],
                                    "rise_points": round(rise * 100, 1)}))

    found += _late_entries(year=year, late=late, after=after_approval,
                           p=p["late_entry"])
    found += _from_results(year=year, unit=unit, conferences=conferences, p=p)
    found += _missing_reports(year=year, unit=unit, as_of=as_of, p=p["missing_report"])
    return found


def _type_shifts(types: dict, p: dict) -> list[Found]:
    out = []
    for unit_id, by_window in types.items():
        before, now = by_window[False], by_window[True]
        total_before, total_now = sum(before.values()), sum(now.values())
        if total_before < p["min_total"] or total_now < p["min_total"]:
            continue
        fall = (total_before - total_now) / total_before
        moved = []
        for doc_type in set(before) | set(now):
            share_before, share_now = before.get(doc_type, 0) / total_before, now.get(doc_type, 0) / total_now
            points = share_now - share_before
            if abs(points) >= p["share_points"] - 1e-9 and abs(points) > fall:
                moved.append((abs(points), doc_type, share_before, share_now))
        if moved:
            points, doc_type, share_before, share_now = max(moved)
            out.append(Found(unit_id, SignalKind.TYPE_SHIFT, "", Severity.WARNING,
                             {"doc_type": doc_type, "points": _percent(points), "before": _percent(share_before),
                              "now": _percent(share_now), "fall": _percent(max(fall, 0))},
                             {"before": dict(sorted(before.items())), "now": dict(sorted(now.items())),
                              "total_before": total_before, "total_now": total_now,
                              "moved": sorted(t for _p, t, _b, _n in moved)}))
    return out


def _late_entries(*, year: int, late: dict, after: dict, p: dict) -> list[Found]:
    out = []
    for (unit_id, quarter) in sorted(set(late) | set(after)):
        count, approved = late.get((unit_id, quarter), 0), after.get((unit_id, quarter), 0)
        label = _quarter_label(year, quarter)
        if approved:
            out.append(Found(unit_id, SignalKind.LATE_ENTRY, f"Q{quarter}", Severity.CRITICAL,
                             {"count": approved, "quarter": label, "days": int(p["late_days"]), "after_approval": True},
                             {"quarter": quarter, "late": count, "after_approval": approved}))
        elif count >= p["min_count"]:
            out.append(Found(unit_id, SignalKind.LATE_ENTRY, f"Q{quarter}", Severity.WARNING,
                             {"count": count, "quarter": label, "days": int(p["late_days"])},
                             {"quarter": quarter, "late": count, "after_approval": 0}))
    return out


# The stored results that carry each register's counts: (target, column of this year's count, of the baseline).
DROP_MEASURES = {"documents": ("DOC_REDUCTION", "numerator", "baseline"),
                 "conferences": ("MEETING_REDUCTION", "numerator", "baseline")}


def _from_results(*, year: int, unit: Unit | None, conferences: dict, p: dict) -> list[Found]:
    """sharp_drop and silent_unit, from the year's stored results of every unit (peers are the whole country's units
    of the same level and kind, whatever the scope): one read."""
    scope_paths = unit.path if unit is not None else None
    rows = (ComplianceResult.objects.filter(year=year, period="Y", target_id__in=["DOC_REDUCTION", "MEETING_REDUCTION",
                                                                                 "DOC_DIGITIZATION"])
            .values_list("unit_id", "unit__path", "unit__level", "unit__kind", "target_id", "numerator", "baseline",
                         "denominator"))
    units: dict[int, dict] = {}
    for unit_id, path, level, kind, target, numerator, baseline, denominator in rows:
        entry = units.setdefault(unit_id, {"path": path, "peers": (level, kind)})
        entry[target] = (numerator or 0, baseline or 0, denominator or 0)
    out = []
    peers: dict[tuple, list[int]] = defaultdict(list)
    for unit_id, entry in units.items():
        peers[entry["peers"]].append(unit_id)

    def in_scope(unit_id: int) -> bool:
        return scope_paths is None or units[unit_id]["path"].startswith(scope_paths)

    drop, silent = p["sharp_drop"], p["silent_unit"]
    for group, members in peers.items():
        for register, (target, _n, _b) in DROP_MEASURES.items():
            judged = [(u, *units[u][target][:2]) for u in members if target in units[u]
                      and units[u][target][1] >= drop["min_baseline"]]
            falls = [(baseline - now) / baseline for _u, now, baseline in judged]
            scores = modified_z_scores(falls)
            median = statistics.median(falls) if falls else None
            for (unit_id, now, baseline), fall, score in zip(judged, falls, scores):
                if not in_scope(unit_id):
                    continue
                beyond_bound = fall > drop["max_fall"]
                outlier = score is not None and score > drop["z_score"] and fall > 0
                if not (beyond_bound or outlier):
                    continue
                severity = (Severity.CRITICAL if beyond_bound and outlier else
                            Severity.WARNING if beyond_bound else Severity.INFO)
                out.append(Found(unit_id, SignalKind.SHARP_DROP, register, severity,
                                 {"register": register, "fall": _percent(fall), "before": baseline, "now": now},
                                 {"register": register, "before": baseline, "now": now, "fall": round(fall, 4),
                                  "beyond_bound": beyond_bound, "outlier": outlier,
                                  "peers": {"count": len(falls), "median_fall": round(median, 4),
                                            "z_score": None if score is None else round(score, 2)}}))
        # silent_unit: documents (all issued, DOC_DIGITIZATION's denominator) and countable conferences.
        for register in ("documents", "conferences"):
            def has(u: int) -> bool:
                if register == "documents":
                    return units[u].get("DOC_DIGITIZATION", (0, 0, 0))[2] > 0
                return units[u].get("MEETING_REDUCTION", (0, 0, 0))[0] > 0
            if len(members) < silent["min_peers"]:
                continue
            share = sum(1 for u in members if has(u)) / len(members)
            if share < silent["peers_share"]:
                continue
            for unit_id in members:
                if not in_scope(unit_id) or has(unit_id):
                    continue
                if register == "conferences" and conferences.get(unit_id, {True: [0]})[True][0] > 0:
                    continue  # it held regular sessions only: recorded, not silent
                out.append(Found(unit_id, SignalKind.SILENT_UNIT, register, Severity.WARNING,
                                 {"register": register, "peers": _percent(share)},
                                 {"register": register, "records": 0,
                                  "peers": {"count": len(members), "share_with_records": round(share, 4)}}))
    return out


def _missing_reports(*, year: int, unit: Unit | None, as_of: datetime.date, p: dict) -> list[Found]:
    grace = datetime.timedelta(days=int(p["grace_days"]))
    ended = [q for q in (1, 2, 3, 4) if quarter_window(year, q)[1] + grace < as_of]
    if not ended:
        return []
    units = ComplianceResult.objects.filter(year=year, period="Y", target_id="PROCEDURES_DIGITAL")
    reports = DigitizationReport.objects.filter(year=year, quarter__in=ended)
    if unit is not None:
        units = units.in_subtree(unit)
        reports = reports.in_subtree(unit)
    have: dict[int, set[int]] = defaultdict(set)
    for unit_id, quarter in reports.values_list("unit_id", "quarter"):
        have[unit_id].add(quarter)
    out = []
    for unit_id in units.values_list("unit_id", flat=True):
        missing = [q for q in ended if q not in have.get(unit_id, ())]
        if missing:
            labels = ", ".join(_quarter_label(year, q) for q in missing)
            out.append(Found(unit_id, SignalKind.MISSING_REPORT, "", Severity.WARNING, {"quarters": labels},
                             {"quarters": missing}))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Storing: an upsert that keeps reviews while the evidence holds
# ---------------------------------------------------------------------------------------------------------------


def _fingerprint(evidence: dict) -> dict:
    return {key: value for key, value in (evidence or {}).items() if key not in CONTEXT_KEYS}


def signals_store(*, year: int, unit: Unit | None, found: list[Found]) -> dict[str, int]:
    """Replace the scope's signals of `year` with `found`: a signal whose evidence is the same keeps its row and its
    review; one whose evidence changed is updated and, if it had been reviewed, reopened (with history); the rest are
    created or deleted."""
    now = timezone.now()
    existing = Signal.objects.filter(year=year)
    if unit is not None:
        existing = existing.in_subtree(unit)
    by_key = {(s.unit_id, s.kind, s.key): s for s in existing.only(
        "id", "unit_id", "kind", "key", "severity", "evidence", "params", "review_state")}
    create, update, reopen, seen = [], [], [], set()
    for item in found:
        ident = (item.unit_id, str(item.kind), item.key)
        if ident in seen:
            continue
        seen.add(ident)
        old = by_key.get(ident)
        if old is None:
            create.append(Signal(unit_id=item.unit_id, year=year, kind=item.kind, key=item.key,
                                 severity=item.severity, rank=RANK[item.severity], params=item.params,
                                 evidence=item.evidence, computed_at=now))
            continue
        if _fingerprint(old.evidence) == _fingerprint(_as_stored(item.evidence)) and old.severity == item.severity:
            if old.evidence != _as_stored(item.evidence):
                old.evidence, old.params, old.computed_at = item.evidence, item.params, now
                update.append(old)
            continue
        old.severity, old.rank, old.params, old.evidence = item.severity, RANK[item.severity], item.params, item.evidence
        old.computed_at = now
        if old.review_state != ReviewState.OPEN:
            reopen.append(old)
        else:
            update.append(old)
    gone = [s.id for ident, s in by_key.items() if ident not in seen]
    with transaction.atomic():
        if gone:
            Signal.objects.filter(id__in=gone).delete()
        Signal.objects.bulk_create(create, batch_size=2000)
        Signal.objects.bulk_update(update, ["severity", "rank", "params", "evidence", "computed_at"], batch_size=2000)
        for signal in reopen:
            # The evidence changed under the review: reopened, with a history row saying so.
            signal.review_state = ReviewState.OPEN
            signal._change_reason = "evidence changed"
            signal.save(update_fields=["severity", "rank", "params", "evidence", "review_state", "computed_at"])
    return {"created": len(create), "updated": len(update), "reopened": len(reopen), "deleted": len(gone)}


def _as_stored(evidence: dict) -> dict:
    """The evidence as it reads back from JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(evidence, default=str))


def signals_compute(*, year: int, unit: Unit | None = None, as_of: datetime.date | None = None,
                    portable: bool | None = None) -> dict[str, int]:
    """Find and store the signals of `year` for the country or `unit`'s subtree (the engine calls it after storing
    the year's results: sharp_drop and silent_unit read them, or the signals task after a record change).

    One at a time per year (a transaction-scoped advisory lock on PostgreSQL): the engine of a nightly or requested
    recompute and the signals task may otherwise find the same new signal at once and both insert it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SIGNALS_LOCK_SPACE, int(year)])
        found = signals_find(year=year, unit=unit, as_of=as_of, portable=portable)
        return signals_store(year=year, unit=unit, found=found)


# ---------------------------------------------------------------------------------------------------------------
# Reviews: the one write path of a person on a signal
# ---------------------------------------------------------------------------------------------------------------


def signal_review(*, signal: Signal, user, state: str, comment: str = "") -> Signal:
    """A reviewer marks a signal explained (a comment says why) or confirmed, or opens it again; kept with history."""
    if not (user.is_authenticated and user.sees_everything):
        raise PermissionDenied(_("Only reviewers and administrators review signals."))
    comment = (comment or "").strip()
    if state not in ReviewState.values:
        raise ValidationError({"review_state": [_("Choose explained, confirmed or open.")]})
    if state == ReviewState.EXPLAINED and not comment:
        raise ValidationError({"review_comment": [_("Say how the signal is explained.")]})
    with transaction.atomic():
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        signal.review_state, signal.review_comment = state, comment
        signal.reviewed_by, signal.reviewed_at = user, timezone.now()
        signal._change_reason, signal._history_user = f"review: {state}", user
        signal.save(update_fields=["review_state", "review_comment", "reviewed_by", "reviewed_at"])
    return signal


def signals_for_report(*, unit: Unit, year: int) -> list[dict]:
    """The signals of `unit`'s subtree for `year`, open first, as plain rows in the active language (period report
    pages and exports): one query."""
    rows = []
    for s in (Signal.objects.filter(year=year).in_subtree(unit).select_related("unit")
              .order_by("review_state", "rank", "unit__path", "kind", "key")):
        rows.append({"signal": s, "unit_code": s.unit.code, "unit_name": s.unit.name, "kind": s.get_kind_display(),
                     "severity": s.get_severity_display(), "message": signal_message(s),
                     "review_state": s.get_review_state_display(), "review_comment": s.review_comment,
                     "open": s.review_state == ReviewState.OPEN})
    # Open signals first (review_state "open" sorts after "explained" and "confirmed" alphabetically).
    return sorted(rows, key=lambda row: not row["open"])
