"""Reads of the dashboard pages: they read ONLY the precomputed compliance tables.

Every function runs a fixed number of queries whatever the number of units (GROUP BY in SQL, never a
query per unit), so the national overview stays fast at national scale.
"""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Substr

from reform.choices import Kind, Level
from reform.models import Target, Unit

from ..choices import Period, Status
from ..models import ComplianceResult, ComplianceRollup, ComplianceSlice
from ..periods import same_day_year_before
from ..provisional import FINAL, Standing
from ..rollups import FIGURES, RollupJudge, Vector, vector_of_sums
from ..selectors import SLICE_SUMS, rollup_sum_fields, thresholds_for_year
from ..targets import DOC_REDUCTION, MEETING_REDUCTION
from .filters import DashboardFilters, scope_q

# Statuses drawn in the stacked bars (not_applicable units are left out of the shares).
SHARE_STATUSES = [Status.MET, Status.MISSED, Status.NO_BASELINE, Status.NO_DATA]
STATUS_ORDER = [Status.MET, Status.MISSED, Status.NO_BASELINE, Status.NO_DATA, Status.NOT_APPLICABLE]
QUARTERS = [Period.Q1, Period.Q2, Period.Q3, Period.Q4]


def target_list() -> list[Target]:
    """The catalogue, each target with `first_applies_from`: the first year a threshold of it applies (the same
    query: the pages say from which year the targets apply, from the threshold data)."""
    return list(Target.objects.order_by("order", "code").annotate(first_applies_from=Min("thresholds__applies_from")))


def targets_apply_from(targets: list[Target], codes: tuple[str, ...] | None = None) -> int | None:
    """The first year any of `targets` (those of `codes`, when given) applies; None when none has a threshold."""
    years = [t.first_applies_from for t in targets
             if getattr(t, "first_applies_from", None) is not None and (codes is None or t.code in codes)]
    return min(years) if years else None


def has_records(counts: dict[str, dict[str, int]]) -> bool:
    """Whether any unit in scope recorded anything: a unit with any record meets or misses some target (documents
    judge the digitisation shares, conferences the in-person share, digitisation reports the procedures)."""
    return any(c.get(Status.MET) or c.get(Status.MISSED) for c in counts.values())


def provinces() -> list[Unit]:
    return list(
        Unit.objects.current().filter(level=Level.PROVINCIAL, kind=Kind.LOCALITY).only("id", "code", "name", "path")
        .order_by("code")
    )


def results(*, year: int | None = None, period: str | None = None) -> QuerySet[ComplianceResult]:
    qs = ComplianceResult.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    if period is not None:
        qs = qs.filter(period=period)
    return qs


def status_counts(*, year: int, period: str, q: Q = Q()) -> tuple[dict[str, dict[str, int]], object, Standing]:
    """Per target, the number of units in each status, when they were computed and whether they are provisional
    (one GROUP BY query)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in Status.values})
    rows = (
        results(year=year, period=period).filter(q).order_by()
        .values_list("target_id", "status").annotate(
            n=Count("id"), last=Max("computed_at"), n_provisional=Count("id", filter=Q(provisional=True)),
            provisional_end=Min("window_end", filter=Q(provisional=True)))
    )
    computed_at = None
    ends = []
    for target_id, status, n, last, provisional, window_end in rows:
        counts[target_id][status] = n
        if last is not None and (computed_at is None or last > computed_at):
            computed_at = last
        if provisional:
            ends.append(window_end)
    return counts, computed_at, _standing(ends)


def _standing(provisional_ends: list) -> Standing:
    """Provisional when any figure is, to the earliest day one covers."""
    if not provisional_ends:
        return FINAL
    known = [end for end in provisional_ends if end is not None]
    return Standing(True, min(known) if known else None)


def _of_subtree(model, *, root: Unit | None) -> QuerySet:
    """The stored figures (`ComplianceRollup`, `ComplianceSlice`) of a locality's subtree: `root`, or the root of the
    tree (the nation) when None."""
    qs = model.objects.order_by()
    return qs.filter(unit=root) if root is not None else qs.filter(unit__parent__isnull=True,
                                                                   unit__level=Level.CENTRAL)


def _narrowed(filters: DashboardFilters | None) -> bool:
    return filters is not None and bool(filters.level or filters.block)


def _slice_sums(rows: QuerySet[ComplianceSlice], q: Q) -> list[dict]:
    """The grouped `rows` with the aggregates of their slices selected by `q` (a level and block): a roll-up
    vector's fields, `n_provisional`, and the results' `window_end`, `provisional_end` and `computed_at`. A group
    whose slices hold none of that level and block has zero units (the filter is in the aggregates, not the WHERE,
    so a locality that has slices is told apart from one the engine stores none for)."""
    # Named apart from the slices' own fields (an aggregate may not take a field's name), renamed after.
    fields = {f"all_{name}": Sum(name, filter=q, default=0) for name in SLICE_SUMS}
    fields.update(all_window_end=Min("window_end", filter=q), all_provisional_end=Min("provisional_end", filter=q),
                  all_computed_at=Max("computed_at", filter=q))
    return [{name.removeprefix("all_"): value for name, value in row.items()} for row in rows.annotate(**fields)]


def _units_in(row: dict) -> int:
    return sum(row[f"n_{status}"] for status in STATUS_ORDER)


def scope_status_counts(*, year: int, period: str, filters: DashboardFilters | None, root: Unit | None):
    """Status counts of a scope: from the stored roll-up of the subtree when no level/block filter narrows it
    (a dozen rows), from its stored slices when one does (a few dozen), by grouping the units' results where the
    engine stores neither (a leaf). Same figures every way."""
    if not _narrowed(filters):
        rows = list(_of_subtree(ComplianceRollup, root=root).filter(year=year, period=period).values_list(
            "target_id", "n_met", "n_missed", "n_no_baseline", "n_no_data", "n_not_applicable", "computed_at",
            "provisional", "window_end"))
        if rows:
            counts: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in Status.values})
            computed_at = None
            ends = []
            for target_id, met, missed, no_baseline, no_data, na, last, provisional, window_end in rows:
                counts[target_id] = {Status.MET: met, Status.MISSED: missed, Status.NO_BASELINE: no_baseline,
                                     Status.NO_DATA: no_data, Status.NOT_APPLICABLE: na}
                computed_at = last if computed_at is None or last > computed_at else computed_at
                if provisional:
                    ends.append(window_end)
            return counts, computed_at, _standing(ends)
    else:
        slices = _of_subtree(ComplianceSlice, root=root).filter(year=year, period=period)
        rows = _slice_sums(slices.values("target_id"), scope_q(filters, prefix=""))
        if rows:
            counts = defaultdict(lambda: {s: 0 for s in Status.values})
            for row in rows:
                if _units_in(row):  # none of that level and block: no count, as from the results
                    counts[row["target_id"]] = {status: row[f"n_{status}"] for status in STATUS_ORDER}
            times = [row["computed_at"] for row in rows if row["computed_at"] is not None]
            return counts, max(times, default=None), _standing(
                [row["provisional_end"] for row in rows if row["n_provisional"]])
    return status_counts(year=year, period=period, q=scope_q(filters, root=root))


def scope_trend(*, period: str, filters: DashboardFilters | None, root: Unit | None,
                year: int | None = None) -> list[dict]:
    """Documents and conferences per year: from the subtree's roll-ups (or, narrowed by a level or block, its
    slices) when the engine stores them, else summing results. The slices' sums are of the units the target
    applies to, the results' of every unit: the same for the two reduction targets, which apply to every unit
    (a unit they do not apply to would carry no counts)."""
    reduction = [DOC_REDUCTION, MEETING_REDUCTION]
    window = Q(year__gt=year - TREND_YEARS, year__lte=year) if year is not None else Q()
    if not _narrowed(filters):
        qs = _of_subtree(ComplianceRollup, root=root).filter(window, period=period, target_id__in=reduction)
        rows = list(qs.values_list("year", "target_id", CURRENT_COUNT, PREVIOUS_COUNT, "provisional", "window_end"))
        if rows:
            return _trend_rows(rows)
    else:
        slices = _of_subtree(ComplianceSlice, root=root).filter(window, period=period, target_id__in=reduction)
        sums = _slice_sums(slices.values("year", "target_id"), scope_q(filters, prefix=""))
        if sums:
            return _trend_rows([(row["year"], row["target_id"], row[CURRENT_COUNT], row[PREVIOUS_COUNT],
                                 row["n_provisional"], row["window_end"]) for row in sums if _units_in(row)])
    return national_trend(period=period, q=scope_q(filters, root=root), year=year)


def status_shares(*, targets: list[Target], counts: dict[str, dict[str, int]]) -> list[dict]:
    """Rows for the stacked bars: per target, the count and share of applicable units in each status."""
    rows = []
    for target in targets:
        c = counts.get(target.code) or {s: 0 for s in Status.values}
        applicable = sum(c[s] for s in SHARE_STATUSES)
        row = {"target": target.code, "target_name": target.name, "units": applicable,
               "not_applicable": c[Status.NOT_APPLICABLE]}
        for s in SHARE_STATUSES:
            row[f"n_{s}"] = c[s]
            row[f"share_{s}"] = (c[s] / applicable) if applicable else None
        rows.append(row)
    return rows


def locality_figures(*, year: int, period: str, localities: list[Unit], targets: list[Target],
                     filters: DashboardFilters | None = None) -> dict[tuple[str, str], dict]:
    """(locality code, target) -> the locality as a whole: status, value and threshold of its subtree judged by
    the target's rule on summed counts, and its units per status (`n_met`, ...), what a roll-up holds.

    Unfiltered, these are the engine's stored roll-ups (one query). Narrowed by a level or a block, the subtree's
    units of that level and block are judged the same way (`RollupJudge`, and the year's thresholds) from the
    engine's stored slices (one query for all the provinces; grouping the year's 200,000 results on every view made
    the overview filtered by level 226 ms, against 72 ms with the slices, on the national dataset); a locality the
    engine stores neither for (a leaf, as `selectors.compliance_summary` does) from its units' stored results (one
    GROUP BY for all of them)."""
    figures: dict[tuple[str, str], dict] = {}
    judge = None
    judged_codes = set()
    if not _narrowed(filters):
        stored = ComplianceRollup.objects.filter(year=year, period=period, unit__in=localities).order_by()
        for row in stored.values("unit__code", "target_id", *FIGURES):
            figures[(row["unit__code"], row["target_id"])] = row
        judged_codes = {code for code, _target in figures}
    else:
        code_of = {u.id: u.code for u in localities}
        sliced = _slice_sums(ComplianceSlice.objects.filter(year=year, period=period, unit__in=localities)
                             .order_by().values("unit_id", "target_id"), scope_q(filters, prefix=""))
        for row in sliced:
            judged_codes.add(code_of[row["unit_id"]])
            if _units_in(row):  # none of that level and block: no figure, as from the results
                if judge is None:
                    judge = RollupJudge(targets={t.code: t for t in targets},
                                        thresholds=thresholds_for_year(year=year))
                figures[(code_of[row["unit_id"]], row["target_id"])] = dict(zip(FIGURES, judge.figures(
                    row["target_id"], Vector(*(row[name] for name in Vector._fields)))))
    missing = [u for u in localities if u.code not in judged_codes]
    if not missing:
        return figures
    # A subtree is the results whose unit's path starts with the locality's: grouped by that prefix (one GROUP BY
    # per length of path; the provinces' are all of one), several times faster than a CASE of prefix matches.
    by_length: dict[int, dict[str, str]] = defaultdict(dict)
    for u in missing:
        by_length[len(u.path)][u.path] = u.code
    for length, code_of in by_length.items():
        sums = (results(year=year, period=period).filter(scope_q(filters)).order_by()
                .annotate(locality=Substr("unit__path", 1, length)).filter(locality__in=list(code_of))
                .values("locality", "target_id").annotate(**rollup_sum_fields()))
        for row in sums:
            if judge is None:
                judge = RollupJudge(targets={t.code: t for t in targets}, thresholds=thresholds_for_year(year=year))
            figures[(code_of[row["locality"]], row["target_id"])] = dict(
                zip(FIGURES, judge.figures(row["target_id"], vector_of_sums(row))))
    return figures


def unit_status_grid(*, year: int, period: str, q: Q) -> dict[tuple[str, str], dict]:
    """(unit code, target) -> {status, value, threshold, ...} for the units selected by `q` (one query)."""
    grid: dict[tuple[str, str], dict] = {}
    rows = (
        results(year=year, period=period).filter(q).order_by()
        .values_list("unit__code", "target_id", "status", "value", "threshold", "numerator", "denominator",
                     "baseline")
    )
    for code, target_id, status, value, threshold, numerator, denominator, baseline in rows:
        grid[(code, target_id)] = {"status": status, "value": value, "threshold": threshold,
                                   "numerator": numerator, "denominator": denominator, "baseline": baseline}
    return grid


# Which stored figures hold a reduction target's count for the year (to date) and for the year before.
CURRENT_COUNT = "numerator"
PREVIOUS_COUNT = "baseline"


TREND_YEARS = 5


def national_trend(*, period: str, q: Q = Q(), year: int | None = None) -> list[dict]:
    """Documents and conferences per year (same window each year), summed over the units' own results.

    Each unit is judged on its own records, so summing the units' counts gives the total of the scope.
    The year before the first computed year comes from the baselines of that first year. Counts are facts,
    not verdicts: a year before the targets apply (not applicable) keeps its counts and is summed too.
    """
    qs = results(period=period).filter(q, target_id__in=[DOC_REDUCTION, MEETING_REDUCTION])
    if year is not None:  # a bounded window of years keeps the (year, period, target) index usable
        qs = qs.filter(year__gt=year - TREND_YEARS, year__lte=year)
    rows = (
        qs.order_by()
        .values_list("year", "target_id").annotate(
            current=Sum(CURRENT_COUNT), previous=Sum(PREVIOUS_COUNT),
            n_provisional=Count("id", filter=Q(provisional=True)), last_day=Min("window_end"))
    )
    return _trend_rows(rows)


def _trend_rows(rows) -> list[dict]:
    """One row per year and window: {year, documents, conferences, window_end, provisional, same_window}.

    A final year counts its period's whole window (1 January to the period's end). A running (provisional) year
    counts 1 January to its `window_end`; its stored baseline is the year before on that same window, so the
    pair comes as two rows marked `same_window` (the running year and the year before, to the same day), and
    a part year is never set against a whole one. The year before the first final year comes from its baselines.
    """
    whole: dict[int, dict] = {}
    before_first: dict[int, dict] = {}
    same_window: dict[tuple[int, object], dict] = {}

    def row(table: dict, key, year: int, window_end, provisional: bool, same: bool) -> dict:
        return table.setdefault(key, {"year": year, "documents": None, "conferences": None,
                                      "window_end": window_end, "provisional": provisional, "same_window": same})

    for year, target_id, current, prev, provisional, window_end in rows:
        key = "documents" if target_id == DOC_REDUCTION else "conferences"
        before_end = same_day_year_before(window_end) if window_end else None
        if provisional:
            row(same_window, (year, window_end), year, window_end, True, True)[key] = current or 0
            row(same_window, (year - 1, before_end), year - 1, before_end, False, True)[key] = prev or 0
        else:
            row(whole, year, year, window_end, False, False)[key] = current or 0
            row(before_first, year - 1, year - 1, before_end, False, False)[key] = prev or 0
    if whole:
        first = min(whole)
        if first - 1 in before_first:
            whole[first - 1] = before_first[first - 1]
    found = list(whole.values()) + list(same_window.values())
    return sorted(found, key=lambda r: (r["year"], r["same_window"]))


def trend_is_empty(rows: list[dict]) -> bool:
    """No document and no conference in any year shown: nothing to draw."""
    return not any(r["documents"] or r["conferences"] for r in rows)


def reduction_values(*, year: int, period: str, q: Q = Q()) -> tuple[list[float], float | None]:
    """The DOC_REDUCTION values of the units in scope (fractions) and the threshold they are held to."""
    rows = list(
        results(year=year, period=period).filter(q, target_id=DOC_REDUCTION, value__isnull=False).order_by()
        .values_list("value", "threshold")
    )
    values = [float(v) for v, _t in rows]
    thresholds = [t for _v, t in rows if t is not None]
    threshold = float(max(set(thresholds), key=thresholds.count)) if thresholds else None
    return values, threshold


def subtree_units(root: Unit, filters: DashboardFilters | None = None) -> list[Unit]:
    """The units below a locality (not itself), optionally narrowed by level and block."""
    qs = Unit.objects.in_subtree(root).exclude(pk=root.pk)
    if filters is not None:
        if filters.level:
            qs = qs.filter(level=filters.level)
        if filters.block:
            qs = qs.filter(block=filters.block)
    return list(qs.only("id", "code", "name", "level", "kind", "path").order_by("path"))


def unit_table(*, units: list[Unit], targets: list[Target], grid: dict, sort: str = "") -> list[dict]:
    """The sortable table of a locality's units: per target status and value; offenders first by default."""
    rows = []
    for unit in units:
        cells = {}
        n_missed = 0
        for target in targets:
            cell = grid.get((unit.code, target.code))
            cells[target.code] = cell
            if cell and cell["status"] == Status.MISSED:
                n_missed += 1
        rows.append({"unit": unit, "code": unit.code, "name": unit.name, "cells": cells, "n_missed": n_missed})
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    codes = {t.code for t in targets}
    if key == "name":
        rows.sort(key=lambda r: r["name"], reverse=descending)
    elif key == "code":
        rows.sort(key=lambda r: r["code"], reverse=descending)
    elif key in codes:
        # Units without a value go last whatever the direction.
        with_value = [r for r in rows if r["cells"].get(key) and r["cells"][key]["value"] is not None]
        without = [r for r in rows if r not in with_value]
        with_value.sort(key=lambda r: r["cells"][key]["value"], reverse=descending)
        rows = with_value + sorted(without, key=lambda r: r["code"])
    else:  # offenders first: the most missed targets, then by code
        rows.sort(key=lambda r: (-r["n_missed"], r["code"]))
        if key == "missed" and not descending:
            rows.reverse()
    return rows


def unit_results(*, unit: Unit) -> list[ComplianceResult]:
    """Every stored result of one unit (all years and periods), with its target (one query)."""
    return list(ComplianceResult.objects.filter(unit=unit).select_related("target").order_by("year", "period"))
