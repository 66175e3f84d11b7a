"""Read-side selectors of the dashboard pages: they read ONLY the precomputed compliance tables.

Every function runs a fixed number of queries whatever the number of units (GROUP BY in SQL, never a
query per unit), so the national overview stays fast at national scale.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from reform.choices import Block, Comparison, Kind, Level
from reform.models import Target, Unit

from .choices import Period, Status
from .models import ComplianceResult, ComplianceRollup
from .periods import same_day_year_before
from .provisional import FINAL, Standing

DOC_REDUCTION = "DOC_REDUCTION"
MEETING_REDUCTION = "MEETING_REDUCTION"
MEETING_ONLINE_SHARE = "MEETING_ONLINE_SHARE"
PROVINCE_WIDE_CAP = "PROVINCE_WIDE_CAP"
COMMUNE_WIDE_CAP = "COMMUNE_WIDE_CAP"
CONFERENCE_DURATION = "CONFERENCE_DURATION"
SPEECH_LIMITS = "SPEECH_LIMITS"
CONFERENCE_BUDGET = "CONFERENCE_BUDGET"
NO_REPEAT_CONFERENCE = "NO_REPEAT_CONFERENCE"
PROCEDURES_DIGITAL = "PROCEDURES_DIGITAL"
DOC_DIGITIZATION = "DOC_DIGITIZATION"
DOC_NETWORK = "DOC_NETWORK"

# Statuses drawn in the stacked bars (not_applicable units are left out of the shares).
SHARE_STATUSES = [Status.MET, Status.MISSED, Status.NO_BASELINE, Status.NO_DATA]
STATUS_ORDER = [Status.MET, Status.MISSED, Status.NO_BASELINE, Status.NO_DATA, Status.NOT_APPLICABLE]
QUARTERS = [Period.Q1, Period.Q2, Period.Q3, Period.Q4]

# Histogram of reduction rates: 5-point bins from -50 % to +60 %, open-ended at both ends.
HIST_LOW, HIST_HIGH, HIST_STEP = -50, 60, 5


# --------------------------------------------------------------------------------------------------
# Filters kept in the URL
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFilters:
    """The filters of a dashboard page, parsed from (and written back to) the query string."""

    year: int
    period: str = Period.YEAR
    level: str = ""
    block: str = ""
    province: str = ""
    years: tuple[int, ...] = field(default=(), compare=False)

    def query(self, **overrides) -> str:
        params = {"year": self.year, "period": self.period, "level": self.level, "block": self.block,
                  "province": self.province}
        params.update(overrides)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)


def year_bounds() -> tuple[int | None, int | None]:
    """The first and last year that have results (one query; PostgreSQL answers it from the index)."""
    bounds = ComplianceResult.objects.aggregate(first=Min("year"), last=Max("year"))
    return bounds["first"], bounds["last"]


def filters_from_query(params, *, allow_scope_filters: bool = True) -> DashboardFilters:
    """Parse year, period, level, block and province; anything invalid falls back to the default."""
    first, last = year_bounds()
    this_year = timezone.localdate().year
    last = last or this_year
    first = first or last
    try:
        year = int(params.get("year", ""))
    except (TypeError, ValueError):
        year = last
    if not 2000 <= year <= 2100:
        year = last
    period = params.get("period", Period.YEAR)
    if period not in Period.values:
        period = Period.YEAR
    level = block = province = ""
    if allow_scope_filters:
        level = params.get("level", "") if params.get("level", "") in Level.values else ""
        block = params.get("block", "") if params.get("block", "") in Block.values else ""
        province = params.get("province", "")
        if not (province.isdigit() and len(province) == 2):
            province = ""
    years = tuple(range(min(first, year), max(last, year) + 1))
    return DashboardFilters(year=year, period=period, level=level, block=block, province=province, years=years)


def scope_q(filters: DashboardFilters | None = None, *, root: Unit | None = None, prefix: str = "unit__") -> Q:
    """The Q selecting the units a page looks at: a subtree, a level and a block."""
    q = Q()
    if root is not None:
        q &= Q(**{f"{prefix}path__startswith": root.path})
    if filters is not None:
        if filters.level:
            q &= Q(**{f"{prefix}level": filters.level})
        if filters.block:
            q &= Q(**{f"{prefix}block": filters.block})
    return q


# --------------------------------------------------------------------------------------------------
# Catalogue and formatting helpers
# --------------------------------------------------------------------------------------------------
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


def is_count_target(target: Target) -> bool:
    return target.comparison == Comparison.COUNT_AT_MOST


def as_fraction(value) -> float | None:
    return None if value is None else float(value)


def results(*, year: int | None = None, period: str | None = None) -> QuerySet[ComplianceResult]:
    qs = ComplianceResult.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    if period is not None:
        qs = qs.filter(period=period)
    return qs


# --------------------------------------------------------------------------------------------------
# Figures' data
# --------------------------------------------------------------------------------------------------
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


def _rollups(*, root: Unit | None) -> QuerySet[ComplianceRollup]:
    """Roll-ups of a locality's subtree: `root`, or the root of the tree (the nation) when None."""
    qs = ComplianceRollup.objects.order_by()
    return qs.filter(unit=root) if root is not None else qs.filter(unit__parent__isnull=True,
                                                                   unit__level=Level.CENTRAL)


def scope_status_counts(*, year: int, period: str, filters: DashboardFilters | None, root: Unit | None):
    """Status counts of a scope: from the stored roll-up of the subtree when no level/block filter narrows it
    (a dozen rows), otherwise by grouping the units' results. Same figures either way."""
    if filters is None or not (filters.level or filters.block):
        rows = list(_rollups(root=root).filter(year=year, period=period).values_list(
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
    return status_counts(year=year, period=period, q=scope_q(filters, root=root))


def scope_trend(*, period: str, filters: DashboardFilters | None, root: Unit | None,
                year: int | None = None) -> list[dict]:
    """Documents and conferences per year: from the subtree's roll-ups when possible, else summing results."""
    if filters is None or not (filters.level or filters.block):
        qs = _rollups(root=root).filter(period=period, target_id__in=[DOC_REDUCTION, MEETING_REDUCTION])
        if year is not None:
            qs = qs.filter(year__gt=year - TREND_YEARS, year__lte=year)
        rows = list(qs.values_list("year", "target_id", CURRENT_COUNT, PREVIOUS_COUNT, "provisional", "window_end"))
        if rows:
            return _trend_rows(rows)
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


def histogram_bins(values: list[float]) -> list[dict]:
    """5-point bins of reduction rates in percent, with open-ended first and last bins."""
    edges = list(range(HIST_LOW, HIST_HIGH + 1, HIST_STEP))
    bins = [{"low": None, "high": HIST_LOW, "n": 0}]
    bins += [{"low": lo, "high": hi, "n": 0} for lo, hi in zip(edges, edges[1:])]
    bins.append({"low": HIST_HIGH, "high": None, "n": 0})
    for value in values:
        pct = value * 100
        if pct < HIST_LOW:
            bins[0]["n"] += 1
        elif pct >= HIST_HIGH:
            bins[-1]["n"] += 1
        else:
            bins[1 + int((pct - HIST_LOW) // HIST_STEP)]["n"] += 1
    for b in bins:
        if b["low"] is None:
            b["label"] = f"< {b['high']} %"
        elif b["high"] is None:
            b["label"] = f"≥ {b['low']} %"
        else:
            b["label"] = f"{b['low']}…{b['high']} %"
    return bins


def subtree_units(root: Unit, filters: DashboardFilters | None = None) -> list[Unit]:
    """The units below a locality (not itself), optionally narrowed by level and block."""
    qs = Unit.objects.filter(path__startswith=root.path).exclude(pk=root.pk)
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


# --------------------------------------------------------------------------------------------------
# Why a result missed
# --------------------------------------------------------------------------------------------------
def allowed_count(baseline: int | None, threshold) -> int | None:
    """The most documents (or conferences) a unit may have and still meet a reduction of `threshold`."""
    if baseline is None or threshold is None:
        return None
    return math.floor(Decimal(baseline) * (Decimal(1) - Decimal(threshold)))


SPEECH_LABELS = {
    "opening_speech_min": gettext_lazy("opening speech"),
    "closing_speeches_min": gettext_lazy("closing speeches"),
    "longest_presentation_min": gettext_lazy("longest presentation"),
}


def _offender_reason(target_code: str, item: dict) -> str:
    """Why one conference broke a rule, from the figure and limit the engine stored with it."""
    figure, limit = item.get("figure"), item.get("limit")
    if target_code == CONFERENCE_DURATION:
        return _("%(figure)s days, at most %(limit)s allowed") % _grouped({"figure": figure, "limit": limit})
    if target_code == SPEECH_LIMITS and isinstance(figure, dict):
        return "; ".join(
            _("%(what)s %(figure)s minutes, at most %(limit)s") % _grouped({
                "what": SPEECH_LABELS.get(key, key), "figure": value, "limit": (limit or {}).get(key)})
            for key, value in figure.items()
        )
    if target_code == CONFERENCE_BUDGET:
        return _("spent %(figure)s VND of %(limit)s VND allocated") % _grouped({"figure": figure, "limit": limit})
    if target_code == NO_REPEAT_CONFERENCE:
        return _("re-held after a conference held online down to the grassroots")
    if target_code in (PROVINCE_WIDE_CAP, COMMUNE_WIDE_CAP):
        return _("all-leaders conference without an approved exception")
    return ""


def _grouped(values: dict) -> dict:
    """The numbers of a sentence's values formatted for the active language (6.716 in Vietnamese, 6,716 in
    English); strings, such as the figures the engine stored as text, pass unchanged."""
    return {key: number_format(value, force_grouping=True)
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value
            for key, value in values.items()}


def offending_conferences(details: dict | None, target_code: str = "") -> list[dict]:
    """The conferences that broke a per-conference rule, as the engine stored them in `details["offenders"]`."""
    items = (details or {}).get("offenders")
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        if not isinstance(item, dict):
            item = {"id": item}
        cid = item.get("id")
        out.append({
            "id": cid, "title": item.get("title", ""), "held_on": item.get("held_on", ""),
            "reason": _offender_reason(target_code, item), "url": f"/conferences/{cid}/" if cid else "",
        })
    return out


def offenders_total(details: dict | None) -> int:
    details = details or {}
    total = details.get("offenders_total")
    return int(total) if total is not None else len(details.get("offenders") or [])


def miss_reason(result: ComplianceResult) -> str:
    """One sentence saying why a result missed (the conferences are listed separately)."""
    target = result.target_id
    if result.status == Status.NO_BASELINE:
        return _("Nothing was recorded in the same window of the year before, so there is no baseline.")
    if result.status == Status.NO_DATA:
        return _("Nothing was recorded for this target in the period.")
    if result.status != Status.MISSED:
        return ""
    if target in (DOC_REDUCTION, MEETING_REDUCTION):
        current = getattr(result, CURRENT_COUNT)
        baseline = getattr(result, PREVIOUS_COUNT)
        allowed = allowed_count(baseline, result.threshold)
        if current is None or allowed is None:
            return ""
        above = current - allowed
        if target == DOC_REDUCTION:
            return ngettext(
                "%(n)s administrative document above the allowed count (%(current)s issued, at most %(allowed)s "
                "allowed against %(baseline)s the year before).",
                "%(n)s administrative documents above the allowed count (%(current)s issued, at most %(allowed)s "
                "allowed against %(baseline)s the year before).", above,
            ) % _grouped({"n": above, "current": current, "allowed": allowed, "baseline": baseline})
        return ngettext(
            "%(n)s conference above the allowed count (%(current)s held, at most %(allowed)s allowed against "
            "%(baseline)s the year before).",
            "%(n)s conferences above the allowed count (%(current)s held, at most %(allowed)s allowed against "
            "%(baseline)s the year before).", above,
        ) % _grouped({"n": above, "current": current, "allowed": allowed, "baseline": baseline})
    if target == MEETING_ONLINE_SHARE:
        return _("%(in_person)s of %(total)s countable conferences were held in person.") % _grouped({
            "in_person": result.numerator, "total": result.denominator})
    if target in (PROVINCE_WIDE_CAP, COMMUNE_WIDE_CAP):
        cap = int(result.threshold) if result.threshold is not None else None
        count = result.numerator if result.numerator is not None else result.value
        return _("%(count)s all-leaders conferences without an approved exception, the cap is %(cap)s.") % _grouped({
            "count": count, "cap": cap})
    if target in (PROCEDURES_DIGITAL, DOC_DIGITIZATION, DOC_NETWORK):
        missing = (result.denominator or 0) - (result.numerator or 0)
        noun = {
            PROCEDURES_DIGITAL: _("administrative procedures were not handled digitally"),
            DOC_DIGITIZATION: _("documents were not digitised"),
            DOC_NETWORK: _("documents were not sent over the network"),
        }[target]
        return _("%(missing)s of %(total)s %(noun)s.") % _grouped({"missing": missing, "total": result.denominator,
                                                         "noun": noun})
    n = offenders_total(result.details) or max((result.denominator or 0) - (result.numerator or 0), 0)
    if n:
        return ngettext("%(n)s conference broke the rule.", "%(n)s conferences broke the rule.", n) % _grouped({"n": n})
    return ""


# --------------------------------------------------------------------------------------------------
# Entry officer home: what it takes to meet each target by December
# --------------------------------------------------------------------------------------------------
RULE_TEXT = {
    CONFERENCE_DURATION: gettext_lazy("dissemination conferences at most half a day, professional ones at most 1 day, "
                           "important discussions at most 1.5 days"),
    SPEECH_LIMITS: gettext_lazy("opening speech at most 10 minutes, closing speeches at most 50 minutes in total, each "
                     "presentation at most 10 minutes"),
    CONFERENCE_BUDGET: gettext_lazy("spending within the allocated budget"),
    NO_REPEAT_CONFERENCE: gettext_lazy("no re-holding of a conference already held online down to the grassroots"),
}


def _outlook_reduction(target: Target, r: ComplianceResult) -> tuple[str, str]:
    current = getattr(r, CURRENT_COUNT) or 0
    baseline = getattr(r, PREVIOUS_COUNT)
    if r.status == Status.NO_BASELINE or not baseline:
        return "info", _("Nothing was recorded last year, so this target has no baseline this year.")
    allowed = allowed_count(baseline, r.threshold)
    left = allowed - current
    docs = target.code == DOC_REDUCTION
    if left >= 0:
        if docs:
            text = ngettext("At most %(n)s more administrative document this year (%(current)s of %(allowed)s "
                            "allowed so far).",
                            "At most %(n)s more administrative documents this year (%(current)s of %(allowed)s "
                            "allowed so far).", left)
        else:
            text = ngettext("At most %(n)s more conference this year, regular sessions apart (%(current)s of "
                            "%(allowed)s allowed so far).",
                            "At most %(n)s more conferences this year, regular sessions apart (%(current)s of "
                            "%(allowed)s allowed so far).", left)
        return ("ok" if left > 0 else "warn"), text % _grouped({"n": left, "current": current, "allowed": allowed})
    over = -left
    if docs:
        text = ngettext("Already %(n)s administrative document above the %(allowed)s allowed: the target can no "
                        "longer be met this year.",
                        "Already %(n)s administrative documents above the %(allowed)s allowed: the target can no "
                        "longer be met this year.", over)
    else:
        text = ngettext("Already %(n)s conference above the %(allowed)s allowed: the target can no longer be met "
                        "this year.",
                        "Already %(n)s conferences above the %(allowed)s allowed: the target can no longer be met "
                        "this year.", over)
    return "bad", text % _grouped({"n": over, "allowed": allowed})


def _outlook_online_share(r: ComplianceResult) -> tuple[str, str]:
    in_person, total = r.numerator or 0, r.denominator or 0
    t = Decimal(r.threshold if r.threshold is not None else "0.40")
    pct = f"{t * 100:.0f}"
    if total == 0:
        return "info", _("No countable conference yet: keep in-person conferences at most %(pct)s %% of them.") % {
            "pct": pct}
    if Decimal(in_person) <= t * total:
        k = math.floor((t * total - in_person) / (1 - t)) if t < 1 else None
        if k is None:
            return "ok", _("Any conference format keeps this target met.")
        return ("ok" if k > 0 else "warn"), ngettext(
            "At most %(n)s more in-person conference before the share of in-person conferences passes %(pct)s %% "
            "(if no other conference is held).",
            "At most %(n)s more in-person conferences before the share of in-person conferences passes %(pct)s %% "
            "(if no other conference is held).", k) % _grouped({"n": k, "pct": pct})
    if t == 0:
        return "bad", _("In-person conferences are not allowed under this threshold: the target can no longer be "
                        "met this year.")
    m = math.ceil(Decimal(in_person) / t - total)
    return "bad", ngettext(
        "Hold the next %(n)s conference online to bring in-person conferences down to %(pct)s %%.",
        "Hold the next %(n)s conferences online to bring in-person conferences down to %(pct)s %%.", m,
    ) % _grouped({"n": m, "pct": pct})


def _outlook_cap(target: Target, r: ComplianceResult) -> tuple[str, str]:
    cap = int(r.threshold) if r.threshold is not None else 0
    count = r.numerator if r.numerator is not None else int(r.value or 0)
    left = cap - count
    if left >= 0:
        return ("ok" if left > 0 else "warn"), ngettext(
            "At most %(n)s more all-leaders conference without an approved exception this year.",
            "At most %(n)s more all-leaders conferences without an approved exception this year.", left,
        ) % _grouped({"n": left})
    return "bad", ngettext(
        "Already %(n)s all-leaders conference above the cap of %(cap)s without an approved exception.",
        "Already %(n)s all-leaders conferences above the cap of %(cap)s without an approved exception.", -left,
    ) % _grouped({"n": -left, "cap": cap})


def _outlook_share_at_least(target: Target, r: ComplianceResult) -> tuple[str, str]:
    done, total = r.numerator or 0, r.denominator or 0
    t = Decimal(r.threshold if r.threshold is not None else "0.95")
    pct = f"{t * 100:.0f}"
    item = {
        PROCEDURES_DIGITAL: _("administrative procedures handled digitally"),
        DOC_DIGITIZATION: _("documents digitised"),
        DOC_NETWORK: _("documents sent over the network"),
    }.get(target.code, _("items"))
    if total == 0:
        return "info", _("Nothing recorded yet: keep at least %(pct)s %% %(item)s.") % {"pct": pct, "item": item}
    if Decimal(done) >= t * total:
        return "ok", _("On track: %(done)s of %(total)s %(item)s; keep at least %(pct)s %%.") % _grouped({
            "done": done, "total": total, "item": item, "pct": pct})
    if t >= 1:
        return "bad", _("%(missing)s short of 100 %% %(item)s: the target can no longer be met this year.") % _grouped({
            "missing": total - done, "item": item})
    m = math.ceil((t * total - done) / (1 - t))
    return "warn", ngettext(
        "The next %(n)s must all count (%(item)s) to reach %(pct)s %%.",
        "The next %(n)s must all count (%(item)s) to reach %(pct)s %%.", m,
    ) % _grouped({"n": m, "item": item, "pct": pct})


def _outlook_all_comply(target: Target, r: ComplianceResult) -> tuple[str, str]:
    rule = RULE_TEXT.get(target.code, "")
    if r.status == Status.MISSED:
        n = offenders_total(r.details) or max((r.denominator or 0) - (r.numerator or 0), 0)
        return "bad", ngettext(
            "%(n)s conference already broke the rule (%(rule)s): the target can no longer be met this year.",
            "%(n)s conferences already broke the rule (%(rule)s): the target can no longer be met this year.", n,
        ) % _grouped({"n": n, "rule": rule})
    return "ok", _("Every further conference must keep to the rule: %(rule)s.") % {"rule": rule}


def officer_outlook(unit: Unit, year: int) -> list[dict]:
    """Per target, the unit's status so far this year and what it takes to meet the target by December.

    Reads the stored year result (the year to date) of the unit: one query.
    """
    rows = []
    stored = {r.target_id: r for r in ComplianceResult.objects.filter(unit=unit, year=year, period=Period.YEAR)
              .select_related("target")}
    for target in target_list():
        r = stored.get(target.code)
        if r is None:
            rows.append({"target": target, "result": None, "status": "", "tone": "info",
                         "advice": _("Not computed yet.")})
            continue
        if r.status == Status.NOT_APPLICABLE:
            continue
        if target.comparison == Comparison.REDUCTION_AT_LEAST:
            tone, advice = _outlook_reduction(target, r)
        elif target.comparison == Comparison.SHARE_AT_MOST:
            tone, advice = _outlook_online_share(r)
        elif target.comparison == Comparison.COUNT_AT_MOST:
            tone, advice = _outlook_cap(target, r)
        elif target.comparison == Comparison.SHARE_AT_LEAST:
            tone, advice = _outlook_share_at_least(target, r)
        else:
            tone, advice = _outlook_all_comply(target, r)
        rows.append({"target": target, "result": r, "status": r.status, "tone": tone, "advice": advice})
    return rows
