"""Which limits of Conclusion 226-KL/TW one conference goes over: its duration, its speeches, its budget, the cap on
all-leaders conferences. A warning at entry, never a refusal (a validation rule in DHIS2's sense): the conference is
saved, and the engine judges the year's figures later with the same conditions (each target's `violation` in the
catalogue, reporting/targets.py) and the thresholds in force in the conference's year."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Value, When
from django.utils.translation import gettext as _

from meetings.choices import Category
from meetings.models import Conference
from reform import formatting
from reform.models import Target, Unit

from . import selectors
from .targets import CATALOGUE, SPEECH, applies

DURATION, SPEECHES, BUDGET = "CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET"
CAP = "cap"  # the caps on all-leaders conferences: whichever applies to the unit (province-wide, commune-wide)


@dataclass(frozen=True)
class Breach:
    """One limit a conference goes over: the target that sets it and what was recorded against it."""

    target: Target
    detail: str

    @property
    def message(self) -> str:
        return _("Over a limit (clause %(clause)s, %(name)s): %(detail)s") % {
            "clause": self.target.clause, "name": self.target.name, "detail": self.detail}


def _judged_unit(unit: Unit) -> Unit | None:
    """The unit whose own figures count the conference: the unit itself, or for a legacy province or commune its
    default successor (a legacy district's records count in no unit's own figures), as the engine attributes them."""
    if unit.valid_until is None:
        return unit
    successor, own = selectors.lineage(unit=None, predecessor=unit).get(unit.pk, (None, False))
    return Unit.objects.filter(pk=successor).first() if own else None


def _cap_breach(conference: Conference, caps: list[Target], thresholds: dict, violation) -> Breach | None:
    unit = _judged_unit(conference.unit)
    if unit is None:
        return None
    year = conference.held_on.year
    for target in caps:
        if not applies(target, {"kind": unit.kind, "level": unit.level}):
            continue
        own = [legacy for legacy, (successor, counts_own) in selectors.lineage(unit=unit).items()
               if successor == unit.pk and counts_own]
        count = (Conference.objects.countable().filter(violation, unit_id__in=[unit.pk, *own],
                                                       held_on__year=year).count())
        cap = thresholds[target.code].threshold
        if count > cap:
            return Breach(target, _(
                "%(count)s all-leaders conferences of %(unit)s in %(year)s have no standing-committee exception; the "
                "cap is %(cap)s a year.") % {"count": count, "unit": unit.name, "year": year, "cap": formatting.trimmed(cap)})
    return None


def conference_breaches(conference: Conference) -> list[Breach]:
    """The limits the stored conference goes over, by the thresholds in force in its year (none for a regular
    session, which counts in no conference target, nor for a target without a threshold that year). A few queries."""
    if not conference.pk or conference.is_regular_session or conference.held_on is None:
        return []
    thresholds = selectors.thresholds_for_year(year=conference.held_on.year)
    targets = {t.code: t for t in Target.objects.filter(code__in=thresholds)}
    params = {code: thresholds[code].parameters or {} for code in targets}
    max_days = params.get(DURATION, {}).get("max_days") or {}
    caps = sorted((target for target in targets.values() if target.is_cap), key=lambda t: (t.order, t.code))
    conditions = {code: CATALOGUE[code].violation(params[code]) for code in (DURATION, SPEECHES, BUDGET)
                  if code in targets}
    if caps:  # the caps share one condition (all-leaders conferences without an exception)
        conditions[CAP] = CATALOGUE[caps[0].code].violation(params[caps[0].code])
    if not conditions:
        return []
    # The engine's own conditions, on this one row (CASE: a condition that cannot hold has no WHEN).
    flags = Conference.objects.filter(pk=conference.pk).values(**{
        key: Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        for key, condition in conditions.items()}).first() or {}
    found = []
    if flags.get(DURATION):
        found.append(Breach(targets[DURATION], _(
            "a conference of the category “%(category)s” lasts at most %(limit)s day(s); this one lasted %(days)s.") % {
            "category": Category(conference.category).label, "limit": formatting.trimmed(max_days[conference.category]),
            "days": formatting.trimmed(conference.duration_days)}))
    if flags.get(SPEECHES):
        limits = params[SPEECHES]
        row = {speech.field: getattr(conference, speech.field) for speech in SPEECH}
        found.append(Breach(targets[SPEECHES], "; ".join(
            _("%(what)s lasted %(minutes)s minutes, at most %(limit)s allowed") % {
                "what": speech.subject, "minutes": row[speech.field], "limit": speech.limit(limits)}
            for speech in SPEECH if speech.broken(row, limits)) + "."))
    if flags.get(BUDGET):
        found.append(Breach(targets[BUDGET], _("%(spent)s VND spent against %(allocated)s VND allocated.") % {
            "spent": formatting.trimmed(conference.budget_spent), "allocated": formatting.trimmed(conference.budget_allocated)}))
    if flags.get(CAP) and (breach := _cap_breach(conference, caps, thresholds, conditions[CAP])):
        found.append(breach)
    return found
