"""Why a result missed, in a sentence, and why each listed conference broke its rule (from the stored figures)."""
from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from ..choices import Status
from ..models import ComplianceResult
from .catalogue import (
    COMMUNE_WIDE_CAP, CONFERENCE_BUDGET, CONFERENCE_DURATION, DOC_DIGITIZATION, DOC_NETWORK, DOC_REDUCTION,
    MEETING_ONLINE_SHARE, MEETING_REDUCTION, NO_REPEAT_CONFERENCE, PROCEDURES_DIGITAL, PROVINCE_WIDE_CAP,
    SPEECH_LIMITS,
)
from .selectors import CURRENT_COUNT, PREVIOUS_COUNT


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
