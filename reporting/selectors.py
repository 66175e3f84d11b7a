"""Reads of the compliance engine: stored results and roll-ups, and the set-based aggregations it runs on.

The aggregation selectors run a FIXED number of SQL queries whatever the number of units: each groups a
register by unit with conditional counts (`Count(..., filter=Q(...))`, i.e. `FILTER (WHERE ...)` on
PostgreSQL, `CASE WHEN` on SQLite), one column per quarter of the reporting year, so the engine can add
quarters up into any to-date window in Python.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from types import SimpleNamespace
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Max, Min, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber, Substr

from documents.models import DigitizationReport, Document, DocumentType
from meetings.models import Conference
from reform.choices import Kind, Level
from reform.lineage import DEFAULT_FIRST
from reform.models import PolicySetting, Target, TargetThreshold, Unit, UnitSuccession
from reform.querysets import subtree_q, unit_path

from .choices import Status
from .models import ComplianceResult, ComplianceRollup, ComplianceSlice
from .periods import clipped, quarter_window, same_day_year_before
from .rollups import FIGURES, RollupJudge, Vector, vector_of_sums

QUARTERS = (1, 2, 3, 4)
OFFENDERS_PER_UNIT = 50

# ---------------------------------------------------------------------------------------------------------
# Stored results (what the API, charts and reports read)
# ---------------------------------------------------------------------------------------------------------


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def compliance_results(
    *, year: int, period: str | None = None, unit: Unit | int | None = None, target: Target | str | None = None,
    subtree: Unit | None = None,
) -> QuerySet[ComplianceResult]:
    """Stored results of a year, optionally of one period, one unit (or a unit's whole subtree) and one target."""
    qs = ComplianceResult.objects.filter(year=year).select_related("unit", "target")
    if period:
        qs = qs.filter(period=period)
    if unit is not None:
        qs = qs.filter(unit_id=_pk(unit))
    if subtree is not None:
        qs = qs.in_subtree(subtree)
    if target is not None:
        qs = qs.filter(target_id=_pk(target))
    return qs.order_by("unit__path", "period", "target__order")


def compliance_rollups(
    *, year: int, period: str | None = None, unit: Unit | int | None = None, target: Target | str | None = None,
) -> QuerySet[ComplianceRollup]:
    qs = ComplianceRollup.objects.filter(year=year).select_related("unit", "target")
    if period:
        qs = qs.filter(period=period)
    if unit is not None:
        qs = qs.filter(unit_id=_pk(unit))
    if target is not None:
        qs = qs.filter(target_id=_pk(target))
    return qs.order_by("unit__path", "period", "target__order")


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def _rollup_figures(*, year: int, period: str, unit: Unit) -> dict[str, dict[str, Any]]:
    """{target: figures} of `unit`'s subtree: its stored roll-ups, or, where the engine stores none (a leaf
    locality, or a unit outside any locality's roll-up), the same figures judged from its subtree's stored
    results (one GROUP BY)."""
    stored = ComplianceRollup.objects.filter(year=year, period=period, unit=unit)
    figures = {row["target_id"]: row for row in stored.values("target_id", *FIGURES, "provisional", "window_end")}
    if figures:
        return figures
    sums = rollup_sums_for(year=year, ancestor={"path": unit.path}, period=period)
    if not sums:
        return {}
    judge = RollupJudge(targets=Target.objects.in_bulk(field_name="code"), thresholds=thresholds_for_year(year=year))
    for row in sums:
        judged = dict(zip(FIGURES, judge.figures(row["target_id"], vector_of_sums(row))))
        figures[row["target_id"]] = {**judged, "target_id": row["target_id"], "computed_at": row["last_computed_at"],
                                     "provisional": row["n_provisional"] > 0, "window_end": row["window_end"]}
    return figures


def compliance_summary(*, year: int, period: str, unit: Unit) -> list[dict]:
    """Per target (catalogue order): the subtree's units by status (counts and shares) and the aggregate figure.

    A target without a roll-up (never computed) still appears, with zero counts and `status` None, so callers
    always get the twelve rows.
    """
    figures = _rollup_figures(year=year, period=period, unit=unit)
    rows = []
    for target in Target.objects.order_by("order", "code"):
        rollup = figures.get(target.code) or {}
        counts = {status: rollup.get(f"n_{status}", 0) for status in Status.values}
        n_units = rollup.get("n_units", 0)
        rows.append({
            "target": target.code,
            "name": target.name,
            "clause": target.clause,
            "comparison": target.comparison,
            "threshold": rollup.get("threshold"),
            "counts": counts,
            "shares": {status: _share(n, n_units) for status, n in counts.items()},
            "n_units": n_units,
            "status": rollup.get("status"),
            "value": rollup.get("value"),
            "numerator": rollup.get("numerator"),
            "denominator": rollup.get("denominator"),
            "baseline": rollup.get("baseline"),
            "provisional": bool(rollup.get("provisional")),
            "window_end": rollup.get("window_end"),
            "computed_at": rollup.get("computed_at"),
        })
    return rows


# ---------------------------------------------------------------------------------------------------------
# Inputs of the engine
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subtrees:
    """Several subtrees computed in one pass (the coalesced recompute after record changes in many places): their
    roots, none under another, and the id of every unit in them, resolved once, so that the registers are read by
    unit id (which their indexes serve) instead of by a prefix match per subtree. The engine treats it as it treats
    one unit's subtree; `scope_filter` is what differs."""

    roots: tuple[Unit, ...]
    unit_ids: frozenset[int]

    @classmethod
    def of(cls, roots: Sequence[Unit]) -> "Subtrees":
        roots = tuple(sorted(roots, key=lambda unit: unit.path))
        if any(b.path.startswith(a.path) for a, b in zip(roots, roots[1:])):
            raise ValueError("Subtrees: a root lies under another root; mark the upper one only.")
        ids = Unit.objects.filter(reduce(or_, (subtree_q(root, via="") for root in roots))).values_list("pk", flat=True)
        return cls(roots=roots, unit_ids=frozenset(ids))

    @property
    def paths(self) -> list[str]:
        return [root.path for root in self.roots]


Scope = Unit | Subtrees | None  # None: the whole country


def scope_filter(scope: Unit | Subtrees, *, via: str = "unit") -> Q:
    """Rows whose unit (reached through `via`; "" for units themselves) lies in the scope."""
    if isinstance(scope, Subtrees):
        return Q(**{f"{via}_id__in" if via else "pk__in": sorted(scope.unit_ids)})
    return subtree_q(scope, via=via)


def scope_units(*, unit: Scope) -> list[dict]:
    """The units to compute: the current units of the whole tree, or of `unit`'s subtree (one query). Legacy
    units (until 30 June 2025) get no results: their records count in their successors' (see lineage)."""
    qs = Unit.objects.all() if unit is None else Unit.objects.filter(scope_filter(unit, via=""))
    return list(qs.current().values("id", "code", "path", "level", "kind", "parent_id", "depth"))


def lineage(*, unit: Scope, predecessor: Unit | None = None) -> dict[int, tuple[int, bool]]:
    """{legacy unit id: (default successor id, own)} for the legacy units whose records count in the scope (one
    query), or only for `predecessor`. `own`: the records count in the successor's own figures (a legacy province's
    or commune's); otherwise only in its subtree roll-up (a legacy district's)."""
    qs = UnitSuccession.objects.filter(predecessor__valid_until__isnull=False)
    if unit is not None:
        # Every succession of the legacy units with a successor in the scope: the default successor, their records'
        # one home, may lie outside it, and then they count there, not here (a split commune's other half).
        qs = qs.filter(predecessor_id__in=UnitSuccession.objects.filter(
            scope_filter(unit, via="successor")).values("predecessor_id"))
    if predecessor is not None:
        qs = qs.filter(predecessor=predecessor)
    out: dict[int, tuple[int, bool]] = {}
    paths: dict[int, str] = {}
    for pred, succ, level, path in qs.order_by("predecessor_id", *DEFAULT_FIRST).values_list(
            "predecessor_id", "successor_id", "predecessor__level", "successor__path"):
        if pred not in out:  # the default successor comes first
            out[pred] = (succ, level != Level.DISTRICT)
            paths[pred] = path
    if unit is None:
        return out
    if isinstance(unit, Subtrees):
        return {pred: found for pred, found in out.items() if found[0] in unit.unit_ids}
    top = unit_path(unit)
    return {pred: found for pred, found in out.items() if paths[pred].startswith(top)}


def ancestor_localities(*, unit: Scope) -> list[dict]:
    """The localities above `unit` (their roll-ups change when its subtree is recomputed), deepest first; one
    query. For several subtrees, the localities above any of them."""
    if unit is None:
        return []
    roots = unit.roots if isinstance(unit, Subtrees) else (unit,)
    codes = {code for root in roots for code in root.path.strip("/").split("/")[:-1]}
    if not codes:
        return []
    return list(
        Unit.objects.filter(code__in=codes, kind="locality").order_by("-depth", "path")
        .values("id", "code", "path", "level", "kind", "parent_id", "depth")
    )


def thresholds_for_year(*, year: int) -> dict[str, TargetThreshold]:
    """The threshold in force in `year` for each target: the row with the greatest applies_from <= year."""
    current: dict[str, TargetThreshold] = {}
    for row in TargetThreshold.objects.filter(applies_from__lte=year).order_by("target_id", "applies_from"):
        current[row.target_id] = row  # later rows replace earlier ones
    return current


def hybrid_counts_as_online() -> bool:
    return PolicySetting.flag(PolicySetting.HYBRID_COUNTS_AS_ONLINE, True)


def reduction_type_codes() -> list[str]:
    return list(DocumentType.objects.filter(counts_toward_reduction=True).values_list("code", flat=True))


DateWindow = tuple[datetime.date, datetime.date]


def _windows(year: int, as_of: datetime.date | None = None) -> tuple[list[DateWindow], list[DateWindow]]:
    """The quarters of `year` and of the year before. Cut at `as_of` (the running period: 1 January to today)
    and at the same day of the year before, so a part year is never compared with a whole one; a quarter that
    has not started is empty."""
    current = [quarter_window(year, q) for q in QUARTERS]
    previous = [quarter_window(year - 1, q) for q in QUARTERS]
    if as_of is not None and as_of < current[-1][1]:
        before = same_day_year_before(as_of)
        current = [clipped(window, as_of) for window in current]
        previous = [clipped(window, before) for window in previous]
    return current, previous


def _in(field: str, window: tuple[datetime.date, datetime.date]) -> Q:
    return Q(**{f"{field}__gte": window[0], f"{field}__lte": window[1]})


# A scope of no subtree at all: with `predecessors`, the records of exactly those (legacy) units.
NO_SUBTREE = SimpleNamespace(path=None)


def _scoped(qs: QuerySet, unit: Scope, predecessors: Iterable[int] = ()) -> QuerySet:
    """Records of `unit`'s subtree (or subtrees) and of the legacy units whose records count in it (`predecessors`)."""
    if unit is None:
        return qs
    if isinstance(unit, Subtrees):
        return qs.filter(unit_id__in=sorted(unit.unit_ids | set(predecessors)))
    if unit.path is None:
        return qs.filter(unit_id__in=list(predecessors))
    return qs.filter(subtree_q(unit) | Q(unit_id__in=list(predecessors)))


def _per_quarter(rows: list[dict], names: list[str]) -> dict[int, dict[str, list[int]]]:
    """{unit_id: {name: [q1, q2, q3, q4]}} from rows holding columns `<name>_<q>`."""
    out: dict[int, dict[str, list[int]]] = {}
    for row in rows:
        out[row["unit_id"]] = {name: [row[f"{name}_{q}"] or 0 for q in QUARTERS] for name in names}
    return out


DOCUMENT_MEASURES = ["red", "red_prev", "all", "dig", "net"]


def document_counts(
    *, year: int, unit: Scope, reduction_types: list[str], as_of: datetime.date | None = None,
    predecessors: Iterable[int] = (),
) -> dict[int, dict[str, list[int]]]:
    """Documents per unit and quarter of `year` (and reduction-type documents of the same quarters of year-1).

    One query: `red` = types counting toward reduction, `all` = every issued document, `dig` = digitised,
    `net` = sent over the network, `red_prev` = reduction types in the same window of the year before.
    Windows end at `as_of` (see _windows).
    """
    current, previous = _windows(year, as_of)
    start, end = previous[0][0], current[-1][1]
    red = Q(doc_type_id__in=reduction_types)
    aggregates = {}
    for q, window, prev in zip(QUARTERS, current, previous):
        inside = _in("issued_on", window)
        aggregates[f"red_{q}"] = Count("id", filter=inside & red)
        aggregates[f"red_prev_{q}"] = Count("id", filter=_in("issued_on", prev) & red)
        aggregates[f"all_{q}"] = Count("id", filter=inside)
        aggregates[f"dig_{q}"] = Count("id", filter=inside & Q(is_digitized=True))
        aggregates[f"net_{q}"] = Count("id", filter=inside & Q(sent_electronically=True))
    # The derived `year` column narrows the scan through its indexes; the dates decide the windows.
    qs = Document.objects.filter(year__gte=start.year, year__lte=end.year, issued_on__gte=start, issued_on__lte=end)
    rows = list(_scoped(qs, unit, predecessors).order_by().values("unit_id").annotate(**aggregates))
    return _per_quarter(rows, DOCUMENT_MEASURES)


CONFERENCE_MEASURES = [
    "n", "n_prev", "in_person", "cap", "cap_all", "dur_bad", "speech_rec", "speech_bad",
    "budget_rec", "budget_bad", "reheld",
]


def in_person_condition(*, hybrid_online: bool) -> Q:
    return Q(format="in_person") if hybrid_online else Q(format__in=["in_person", "hybrid"])


# The measures of the targets' per-conference rules (the conferences a rule is judged on, those breaking it): their
# conditions come from the target catalogue (reporting/targets.py, `conference_conditions`).
RULE_MEASURES = ("cap", "cap_all", "dur_bad", "speech_rec", "speech_bad", "budget_rec", "budget_bad", "reheld")


def conference_counts(
    *, year: int, unit: Scope, hybrid_online: bool, rules: dict[str, Q],
    as_of: datetime.date | None = None, predecessors: Iterable[int] = (),
) -> dict[int, dict[str, list[int]]]:
    """Countable conferences (regular sessions excluded) per unit and quarter, with every figure the
    conference targets need, in one query. `rules`: the condition of each of RULE_MEASURES (from the target
    catalogue, given the thresholds in force). Windows end at `as_of` (see _windows)."""
    if set(rules) != set(RULE_MEASURES):
        raise ValueError(f"conference_counts needs the conditions of {RULE_MEASURES}, got {sorted(rules)}")
    current, previous = _windows(year, as_of)
    start, end = previous[0][0], current[-1][1]
    in_person = in_person_condition(hybrid_online=hybrid_online)
    aggregates = {}
    for q, window, prev in zip(QUARTERS, current, previous):
        inside = _in("held_on", window)
        aggregates.update({
            f"n_{q}": Count("id", filter=inside),
            f"n_prev_{q}": Count("id", filter=_in("held_on", prev)),
            f"in_person_{q}": Count("id", filter=inside & in_person),
            **{f"{measure}_{q}": Count("id", filter=inside & rules[measure]) for measure in RULE_MEASURES},
        })
    qs = Conference.objects.countable().filter(held_on__gte=start, held_on__lte=end)
    rows = list(_scoped(qs, unit, predecessors).order_by().values("unit_id").annotate(**aggregates))
    return _per_quarter(rows, CONFERENCE_MEASURES)


DIGITIZATION_MEASURES = ["proc_total", "proc_digital"]


def digitization_sums(*, year: int, unit: Scope, predecessors: Iterable[int] = ()) -> dict[int, dict[str, list[int]]]:
    """Administrative procedures per unit and quarter of `year` (from the quarterly reports), one query."""
    aggregates = {}
    for q in QUARTERS:
        aggregates[f"proc_total_{q}"] = Sum("procedures_total", filter=Q(quarter=q))
        aggregates[f"proc_digital_{q}"] = Sum("procedures_digital", filter=Q(quarter=q))
    qs = DigitizationReport.objects.filter(year=year)
    rows = list(_scoped(qs, unit, predecessors).order_by().values("unit_id").annotate(**aggregates))
    return _per_quarter(rows, DIGITIZATION_MEASURES)


def conference_offenders(
    *, year: int, unit: Scope, conditions: dict[str, Q], fields: Iterable[str],
    limit: int = OFFENDERS_PER_UNIT, predecessors: Iterable[int] = (),
) -> dict[str, dict[int, list[dict]]]:
    """{target: {unit_id: rows}}: the first `limit` countable conferences of each unit in `year` (by date)
    matching each target's violation condition, with their `fields`, in ONE query: one scan of the year's
    conferences flags each row per target, and a ROW_NUMBER per unit and flag caps every target's list in SQL."""
    window = (quarter_window(year, 1)[0], quarter_window(year, 4)[1])
    codes = list(conditions)
    any_violation = Q(pk__in=[])
    for condition in conditions.values():
        any_violation |= condition
    qs = _scoped(Conference.objects.countable().filter(any_violation, held_on__gte=window[0],
                                                       held_on__lte=window[1]), unit, predecessors)
    order = [F("held_on").asc(), F("id").asc()]
    # CASE, not a bare boolean: a condition that can never hold (no limit set) compiles to no WHEN at all.
    flags = {f"is_{i}": Case(When(conditions[code], then=Value(True)), default=Value(False),
                             output_field=BooleanField()) for i, code in enumerate(codes)}
    qs = qs.annotate(**flags).annotate(**{
        f"rank_{i}": Window(RowNumber(), partition_by=[F("unit_id"), F(f"is_{i}")], order_by=order)
        for i in range(len(codes))
    })
    kept = Q(pk__in=[])
    for i in range(len(codes)):
        kept |= Q(**{f"is_{i}": True, f"rank_{i}__lte": limit})
    fields = sorted({"id", "unit_id", "title", "held_on", *fields})
    out: dict[str, dict[int, list[dict]]] = {code: defaultdict(list) for code in codes}
    for row in qs.filter(kept).order_by("unit_id", "held_on", "id").values(
            *fields, *flags, *(f"rank_{i}" for i in range(len(codes)))):
        for i, code in enumerate(codes):
            if row[f"is_{i}"] and row[f"rank_{i}"] <= limit:
                out[code][row["unit_id"]].append(row)
    return out


def rollup_sums_for(*, year: int, ancestor: dict, period: str | None = None) -> list[dict]:
    """Status counts and summed counts of the stored results of a locality's whole subtree, per period and
    target (one query); used for the localities above a recomputed subtree, and for leaf localities."""
    qs = ComplianceResult.objects.filter(year=year).in_subtree(ancestor)
    if period:
        qs = qs.filter(period=period)
    return list(qs.order_by().values("period", "target_id").annotate(**rollup_sum_fields()))


SLICE_KEY = ("period", "target_id", "level", "block")
SLICE_SUMS = ("n_met", "n_missed", "n_no_baseline", "n_no_data", "n_not_applicable", "numerator", "denominator",
              "baseline", "n_provisional")


def slice_sums(*, year: int, localities: Sequence[dict]) -> dict[int, list[dict]]:
    """The slices of several localities' subtrees (`ComplianceSlice`): {locality id: its rows}, a row per period,
    target, level and block of the units below, with the vector's fields (`rollups.Vector`: units per status, the
    summed counts of those the target applies to) and `n_provisional`, `window_end`, `provisional_end`,
    `computed_at` as the results give them. A locality's roll-up is the sum of its slices (`rollup_vectors`).

    One GROUP BY of the stored results per length of the localities' paths (a subtree is the results whose unit's
    path starts with the locality's: grouped by that prefix), so the provinces above a pass over many communes
    cost one scan of the year's results (one scan per locality was 1.2 s of a 1.9 s pass over 200 communes in 20
    provinces on the national dataset). The root of the tree (the nation) is not scanned: its slices are the sums
    of its provinces' (those just grouped, the others as stored) and of the results of its few units under no
    province (`_root_slices`; its scan of 200,000 results was 0.47 s of a 2.1 s pass)."""
    root = next((locality for locality in localities if locality["parent_id"] is None), None)
    found = _grouped_slices(year, [locality for locality in localities if locality is not root])
    if root is not None:
        found[root["id"]] = _root_slices(year, root, found)
    return found


def _slice_fields() -> dict[str, Any]:
    """The aggregates of stored results that make a slice's row, named apart from the results' own fields (an
    aggregate may not take a field's name): `sum_<slice field>`."""
    sums = rollup_sum_fields()
    return {f"sum_{name}": value for name, value in dict(
        n_met=sums["n_met"], n_missed=sums["n_missed"], n_no_baseline=sums["n_no_baseline"],
        n_no_data=sums["n_no_data"], n_not_applicable=sums["n_not_applicable"], numerator=sums["sum_numerator"],
        denominator=sums["sum_denominator"], baseline=sums["sum_baseline"], n_provisional=sums["n_provisional"],
        window_end=Min("window_end"), provisional_end=Min("window_end", filter=Q(provisional=True)),
        computed_at=sums["last_computed_at"],
    ).items()}


def _slice_row(row: dict, fields: Iterable[str]) -> dict:
    sliced = {"period": row["period"], "target_id": row["target_id"], "level": row["unit__level"],
              "block": row["unit__block"]}
    sliced.update((name.removeprefix("sum_"), row[name]) for name in fields)
    for name in ("numerator", "denominator", "baseline"):
        sliced[name] = sliced[name] or 0
    return sliced


def _grouped_slices(year: int, localities: Sequence[dict]) -> dict[int, list[dict]]:
    by_length: dict[int, dict[str, int]] = defaultdict(dict)
    for locality in localities:
        by_length[len(locality["path"])][locality["path"]] = locality["id"]
    fields = _slice_fields()
    found: dict[int, list[dict]] = {locality["id"]: [] for locality in localities}
    for length, id_of in by_length.items():
        rows = (ComplianceResult.objects.filter(year=year).order_by()
                .annotate(locality=Substr("unit__path", 1, length)).filter(locality__in=list(id_of))
                .values("locality", "period", "target_id", "unit__level", "unit__block").annotate(**fields))
        for row in rows:
            found[id_of[row["locality"]]].append(_slice_row(row, fields))
    return found


def _root_slices(year: int, root: dict, fresh: dict[int, list[dict]]) -> list[dict]:
    """The root's slices: the sum of its child localities' (`fresh`, just grouped, or as stored) and of the
    results of the units under none of them (the root itself, central agencies): three small queries.

    The stored slices of a child are current: a compute that changes a unit's results replaces the slices of the
    localities above it in the same transaction, under the year's lock."""
    children = {unit_id: path for unit_id, path in Unit.objects.filter(
        parent_id=root["id"], kind=Kind.LOCALITY).values_list("id", "path")}
    rows = [row for child in children if child in fresh for row in fresh[child]]
    stored = (ComplianceSlice.objects.filter(year=year, unit_id__in=[c for c in children if c not in fresh])
              .values("unit_id", *SLICE_KEY, *SLICE_SUMS, "window_end", "provisional_end", "computed_at"))
    sliced = {child for child in children if child in fresh}
    for row in stored:
        sliced.add(row.pop("unit_id"))
        rows.append(row)
    # The units first (current ones: legacy units have no results; by path), then their results by unit (an index
    # scan): a filter on the results' units by path would scan the year's results.
    outside = Unit.objects.current().filter(path__startswith=root["path"])
    for child in sliced:
        outside = outside.exclude(path__startswith=children[child])
    fields = _slice_fields()
    own = (ComplianceResult.objects.filter(year=year, unit_id__in=list(outside.values_list("id", flat=True)))
           .order_by().values("period", "target_id", "unit__level", "unit__block").annotate(**fields))
    rows += [_slice_row(row, fields) for row in own]
    summed: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in SLICE_KEY)
        total = summed.get(key)
        if total is None:
            summed[key] = dict(row)
            continue
        for name in SLICE_SUMS:
            total[name] += row[name]
        for name, pick in (("window_end", min), ("provisional_end", min), ("computed_at", max)):
            values = [value for value in (total[name], row[name]) if value is not None]
            total[name] = pick(values) if values else None
    return list(summed.values())


def rollup_vectors(slices: Iterable[dict]) -> dict[tuple[str, str], Vector]:
    """{(period, target): the roll-up vector} of a locality from its slices' rows (the sum over levels and
    blocks)."""
    found: dict[tuple[str, str], list[int]] = {}
    for row in slices:
        key = (row["period"], row["target_id"])
        vector = [row[name] for name in Vector._fields]
        found[key] = [a + b for a, b in zip(found[key], vector)] if key in found else vector
    return {key: Vector(*vector) for key, vector in found.items()}


def rollup_sum_fields() -> dict[str, Any]:
    """The aggregates of stored results that a roll-up vector is made of (`rollups.vector_of_sums`), for a GROUP BY
    of ComplianceResult rows."""
    # Figures of units where the target applies; and, in a year before it applies at all (no threshold), the
    # counts every unit still carries (the trend charts read them).
    applies = ~Q(status=Status.NOT_APPLICABLE) | Q(threshold__isnull=True)
    return dict(
        last_computed_at=Max("computed_at"),
        window_end=Max("window_end"),
        n_provisional=Count("id", filter=Q(provisional=True)),
        n_met=Count("id", filter=Q(status=Status.MET)),
        n_missed=Count("id", filter=Q(status=Status.MISSED)),
        n_no_baseline=Count("id", filter=Q(status=Status.NO_BASELINE)),
        n_no_data=Count("id", filter=Q(status=Status.NO_DATA)),
        n_not_applicable=Count("id", filter=Q(status=Status.NOT_APPLICABLE)),
        sum_numerator=Sum("numerator", filter=applies),
        sum_denominator=Sum("denominator", filter=applies),
        sum_baseline=Sum("baseline", filter=applies),
    )
