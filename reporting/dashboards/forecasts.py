"""The entry officer's home: per target, the unit's standing so far this year and what it takes to meet it by December."""
from __future__ import annotations

import math
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from reform.choices import Comparison
from reform.models import Target, Unit

from ..choices import Period, Status
from ..models import ComplianceResult
from .catalogue import (
    CONFERENCE_BUDGET, CONFERENCE_DURATION, DOC_DIGITIZATION, DOC_NETWORK, DOC_REDUCTION, NO_REPEAT_CONFERENCE,
    PROCEDURES_DIGITAL, SPEECH_LIMITS, target_list,
)
from .explanations import _grouped, allowed_count, offenders_total
from .selectors import CURRENT_COUNT, PREVIOUS_COUNT


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
