"""The entry officer's home: per target, the unit's standing so far this year and what it takes to meet it by December.

The arithmetic is reporting/allowances.py's (exact fractions, like the rules); the words are each target's catalogue
entry's (reporting/targets.py), the limits of a rule those of the threshold in force.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reform.choices import Comparison
from reform.models import Target, Unit

from reform import formatting

from .. import allowances
from ..choices import Period, Status
from ..models import ComplianceResult
from ..selectors import thresholds_for_year
from ..targets import CATALOGUE
from .explanations import allowed_count, offenders_total
from .selectors import CURRENT_COUNT, PREVIOUS_COUNT, target_list


def _outlook_reduction(target: Target, r: ComplianceResult) -> tuple[str, str]:
    current = getattr(r, CURRENT_COUNT) or 0
    baseline = getattr(r, PREVIOUS_COUNT)
    if r.status == Status.NO_BASELINE or not baseline:
        return "info", _("Nothing was recorded last year, so this target has no baseline this year.")
    entry = CATALOGUE[target.code]
    allowed = allowed_count(baseline, r.threshold)
    left = allowed - current
    if left >= 0:
        return ("ok" if left > 0 else "warn"), entry.room(left) % formatting.numbers(
            {"n": left, "current": current, "allowed": allowed})
    return "bad", entry.over(-left) % formatting.numbers({"n": -left, "allowed": allowed})


def _outlook_online_share(r: ComplianceResult) -> tuple[str, str]:
    in_person, total, t = r.numerator or 0, r.denominator or 0, r.threshold
    pct = formatting.percent(t)
    if total == 0:
        return "info", _("No countable conference yet: keep in-person conferences at most %(pct)s %% of them.") % {
            "pct": pct}
    if allowances.within_share_at_most(part=in_person, total=total, threshold=t):
        k = allowances.share_at_most_room(part=in_person, total=total, threshold=t)
        if k is None:
            return "ok", _("Any conference format keeps this target met.")
        return ("ok" if k > 0 else "warn"), ngettext(
            "At most %(n)s more in-person conference before the share of in-person conferences passes %(pct)s %% "
            "(if no other conference is held).",
            "At most %(n)s more in-person conferences before the share of in-person conferences passes %(pct)s %% "
            "(if no other conference is held).", k) % formatting.numbers({"n": k, "pct": pct})
    m = allowances.share_at_most_recovery(part=in_person, total=total, threshold=t)
    if m is None:
        return "bad", _("In-person conferences are not allowed under this threshold: the target can no longer be "
                        "met this year.")
    return "bad", ngettext(
        "Hold the next %(n)s conference online to bring in-person conferences down to %(pct)s %%.",
        "Hold the next %(n)s conferences online to bring in-person conferences down to %(pct)s %%.", m,
    ) % formatting.numbers({"n": m, "pct": pct})


def _outlook_cap(target: Target, r: ComplianceResult) -> tuple[str, str]:
    cap = int(r.threshold)
    count = r.numerator if r.numerator is not None else int(r.value or 0)
    left = allowances.cap_room(count=count, cap=cap)
    if left >= 0:
        return ("ok" if left > 0 else "warn"), ngettext(
            "At most %(n)s more all-leaders conference without an approved exception this year.",
            "At most %(n)s more all-leaders conferences without an approved exception this year.", left,
        ) % formatting.numbers({"n": left})
    return "bad", ngettext(
        "Already %(n)s all-leaders conference above the cap of %(cap)s without an approved exception.",
        "Already %(n)s all-leaders conferences above the cap of %(cap)s without an approved exception.", -left,
    ) % formatting.numbers({"n": -left, "cap": cap})


def _outlook_share_at_least(target: Target, r: ComplianceResult) -> tuple[str, str]:
    done, total, t = r.numerator or 0, r.denominator or 0, r.threshold
    pct = formatting.percent(t)
    entry = CATALOGUE.get(target.code)
    item = entry.done if entry is not None and entry.done is not None else _("items")
    if total == 0:
        return "info", _("Nothing recorded yet: keep at least %(pct)s %% %(item)s.") % {"pct": pct, "item": item}
    if allowances.within_share_at_least(part=done, total=total, threshold=t):
        return "ok", _("On track: %(done)s of %(total)s %(item)s; keep at least %(pct)s %%.") % formatting.numbers({
            "done": done, "total": total, "item": item, "pct": pct})
    m = allowances.share_at_least_shortfall(part=done, total=total, threshold=t)
    if m is None:
        return "bad", _("%(missing)s short of 100 %% %(item)s: the target can no longer be met this year.") % (
            formatting.numbers({"missing": total - done, "item": item}))
    return "warn", ngettext(
        "The next %(n)s must all count (%(item)s) to reach %(pct)s %%.",
        "The next %(n)s must all count (%(item)s) to reach %(pct)s %%.", m,
    ) % formatting.numbers({"n": m, "item": item, "pct": pct})


def _outlook_all_comply(target: Target, r: ComplianceResult, parameters: dict) -> tuple[str, str]:
    entry = CATALOGUE.get(target.code)
    rule = entry.rule(parameters) if entry is not None and entry.rule is not None else ""
    if r.status == Status.MISSED:
        n = offenders_total(r.details) or max((r.denominator or 0) - (r.numerator or 0), 0)
        return "bad", ngettext(
            "%(n)s conference already broke the rule (%(rule)s): the target can no longer be met this year.",
            "%(n)s conferences already broke the rule (%(rule)s): the target can no longer be met this year.", n,
        ) % formatting.numbers({"n": n, "rule": rule})
    return "ok", _("Every further conference must keep to the rule: %(rule)s.") % {"rule": rule}


def officer_outlook(unit: Unit, year: int) -> list[dict]:
    """Per target, the unit's status so far this year and what it takes to meet the target by December.

    Reads the stored year result (the year to date) of the unit, and the thresholds in force (the limits the
    rules are stated with): two queries.
    """
    rows = []
    thresholds = thresholds_for_year(year=year)
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
        if r.threshold is None:  # a judged result always has one; never guess it
            rows.append({"target": target, "result": r, "status": r.status, "tone": "info",
                         "advice": _("No threshold applies to this target this year.")})
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
            found = thresholds.get(target.code)
            tone, advice = _outlook_all_comply(target, r, (found.parameters if found else None) or {})
        rows.append({"target": target, "result": r, "status": r.status, "tone": tone, "advice": advice})
    return rows
