"""Why a result missed, in a sentence, and why each listed conference broke its rule (from the stored figures).

The words of each target are its catalogue entry's (reporting/targets.py); numbers and dates are formatted for the
active language (reform/formatting.py).
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reform import formatting
from reform.choices import Comparison

from .. import allowances
from ..choices import Status
from ..models import ComplianceResult
from ..targets import CATALOGUE
from .selectors import CURRENT_COUNT, PREVIOUS_COUNT


def allowed_count(baseline: int | None, threshold) -> int | None:
    """The most documents (or conferences) a unit may have and still meet a reduction of `threshold`."""
    if baseline is None or threshold is None:
        return None
    return allowances.reduction_allowed(baseline=baseline, threshold=threshold)


def _offender_reason(target_code: str, item: dict) -> str:
    """Why one conference broke a rule, from the figure and limit the engine stored with it."""
    entry = CATALOGUE.get(target_code)
    if entry is None or entry.offender_reason is None:
        return ""
    return entry.offender_reason(item)


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
            "id": cid, "title": item.get("title", ""), "held_on": formatting.date(item.get("held_on", "")),
            "reason": _offender_reason(target_code, item), "url": f"/conferences/{cid}/" if cid else "",
        })
    return out


def offenders_total(details: dict | None) -> int:
    details = details or {}
    total = details.get("offenders_total")
    return int(total) if total is not None else len(details.get("offenders") or [])


def miss_reason(result: ComplianceResult) -> str:
    """One sentence saying why a result missed (the conferences are listed separately)."""
    if result.status == Status.NO_BASELINE:
        return _("Nothing was recorded in the same window of the year before, so there is no baseline.")
    if result.status == Status.NO_DATA:
        return _("Nothing was recorded for this target in the period.")
    if result.status != Status.MISSED:
        return ""
    entry = CATALOGUE.get(result.target_id)
    comparison = result.target.comparison
    if comparison == Comparison.REDUCTION_AT_LEAST:
        current = getattr(result, CURRENT_COUNT)
        baseline = getattr(result, PREVIOUS_COUNT)
        allowed = allowed_count(baseline, result.threshold)
        if current is None or allowed is None or entry is None or entry.missed is None:
            return ""
        above = current - allowed
        return entry.missed(above) % formatting.numbers(
            {"n": above, "current": current, "allowed": allowed, "baseline": baseline})
    if comparison == Comparison.SHARE_AT_MOST:
        return _("%(in_person)s of %(total)s countable conferences were held in person.") % formatting.numbers({
            "in_person": result.numerator, "total": result.denominator})
    if comparison == Comparison.COUNT_AT_MOST:
        cap = int(result.threshold) if result.threshold is not None else None
        count = result.numerator if result.numerator is not None else result.value
        return _("%(count)s all-leaders conferences without an approved exception, the cap is %(cap)s.") % (
            formatting.numbers({"count": count, "cap": cap}))
    if comparison == Comparison.SHARE_AT_LEAST:
        if entry is None or entry.missing is None:
            return ""
        missing = (result.denominator or 0) - (result.numerator or 0)
        return _("%(missing)s of %(total)s %(noun)s.") % formatting.numbers(
            {"missing": missing, "total": result.denominator, "noun": entry.missing})
    n = offenders_total(result.details) or max((result.denominator or 0) - (result.numerator or 0), 0)
    if n:
        return ngettext("%(n)s conference broke the rule.", "%(n)s conferences broke the rule.", n) % (
            formatting.numbers({"n": n}))
    return ""
