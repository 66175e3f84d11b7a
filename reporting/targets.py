"""The target catalogue's code: one entry per target of Conclusion 226-KL/TW, holding everything the code knows of it.

A target's facts are data: its names, clause, comparison and the units it applies to (reform.Target), its threshold
and limits year by year (reform.TargetThreshold), seeded by reform/migrations/0003_seed_targets.py and edited in the
admin. What the code adds, per target, is here and nowhere else:
- `reads`: which measures of the engine's aggregates (reporting/selectors.py) are its numerator, denominator,
  baseline, countable conferences and offending conferences;
- `violation`: the conferences that break its rule, as SQL, given the parameters of the threshold in force (the
  counts of the engine and its lists of offenders both use it), and `offender_fields` / `offender_figures`: what is
  kept with each listed conference (the figure that broke the rule and its limit);
- its texts: the heat maps' short name, why a listed conference broke the rule, and the words of the explanations
  and of the officer's outlook (reporting/dashboards/explanations.py and forecasts.py compose the sentences).
No threshold or limit is written here: they are read from the threshold in force and formatted for the language.

Over 400 lines on purpose: it is the whole catalogue, twelve entries with their words, each rule's SQL beside its
Python twin; split, a target's knowledge would again live in several modules.
"""
from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from meetings.choices import Category
from reform.choices import Applicability, Kind, Level
from reform.models import Target

from reform import formatting

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

Parameters = dict[str, Any]  # a TargetThreshold's `parameters` ({} when it has none)


@dataclass(frozen=True)
class Reads:
    """Which aggregated measures a target is judged on. `complying` targets (those with `offending`) count the
    conferences that did not offend: numerator = denominator − offending. `countable`: every countable conference
    of the window (a cap of a unit that recorded none has no data)."""

    numerator: str | None = None
    denominator: str | None = None
    baseline: str | None = None
    countable: str | None = None
    offending: str | None = None


@dataclass(frozen=True)
class SpeechLimit:
    """One limit of SPEECH_LIMITS: a conference's figure in minutes, the threshold parameter holding its limit
    (a whole number of minutes, reform/thresholds.py), and its words. Breaking it is one rule, stated once: more
    minutes than the limit (`violation` in SQL, `broken` on a row already read)."""

    field: str
    parameter: str
    label: Promise  # "opening speech", in why a conference broke the rule
    rule: Promise  # "opening speech at most %(n)s minutes", in the outlook
    subject: Promise  # "The opening speech", beginning the warning at entry (reporting/limits.py)

    def limit(self, parameters: Parameters) -> int | None:
        value = parameters.get(self.parameter)
        return None if value is None else int(value)

    def violation(self, parameters: Parameters) -> Q | None:
        limit = self.limit(parameters)
        return None if limit is None else Q(**{f"{self.field}__gt": limit})

    def broken(self, row: dict, parameters: Parameters) -> bool:
        limit = self.limit(parameters)
        return row[self.field] is not None and limit is not None and row[self.field] > limit


SPEECH = (
    SpeechLimit("opening_speech_min", "opening_max_min", gettext_lazy("opening speech"),
                gettext_lazy("opening speech at most %(n)s minutes"), gettext_lazy("The opening speech")),
    SpeechLimit("closing_speeches_min", "closing_total_max_min", gettext_lazy("closing speeches"),
                gettext_lazy("closing speeches at most %(n)s minutes in total"),
                gettext_lazy("The closing speeches together")),
    SpeechLimit("longest_presentation_min", "presentation_max_min", gettext_lazy("longest presentation"),
                gettext_lazy("each presentation at most %(n)s minutes"), gettext_lazy("The longest presentation")),
)

# CONFERENCE_DURATION's rule for each conference category, given its limit in days (parameter `max_days`).
DURATION_RULES = {
    Category.DISSEMINATION: gettext_lazy("dissemination conferences at most %(days)s days"),
    Category.PROFESSIONAL: gettext_lazy("professional conferences at most %(days)s days"),
    Category.IMPORTANT: gettext_lazy("important discussions at most %(days)s days"),
}


def _max_days(parameters: Parameters) -> dict[str, Any]:
    return parameters.get("max_days") or {}


def _never() -> Q:
    return Q(pk__in=[])


# ------------------------------------------------------------------------------------------- violations (SQL)

def _duration_violation(parameters: Parameters) -> Q:
    """Longer than the limit of the conference's category (a category without a limit never violates)."""
    condition = _never()
    for category, max_days in _max_days(parameters).items():
        condition |= Q(category=category, duration_days__gt=Decimal(str(max_days)))
    return condition


def _speech_violation(parameters: Parameters) -> Q:
    condition = _never()
    for limit in SPEECH:
        if (found := limit.violation(parameters)) is not None:
            condition |= found
    return condition


def _speech_recorded() -> Q:
    """Any of the speech figures recorded."""
    return functools.reduce(operator.or_, (Q(**{f"{limit.field}__isnull": False}) for limit in SPEECH))


def _budget_recorded() -> Q:
    return Q(budget_allocated__isnull=False, budget_spent__isnull=False)


def _budget_violation(parameters: Parameters) -> Q:
    return _budget_recorded() & Q(budget_spent__gt=F("budget_allocated"))


def _reheld(parameters: Parameters) -> Q:
    return Q(reheld_after_online=True)


def _all_leaders() -> Q:
    return Q(scope="all_leaders")


def _all_leaders_without_exception(parameters: Parameters) -> Q:
    return Q(scope="all_leaders", exception_approved=False)


# ------------------------------------------------------------------------------- what a listed conference keeps

def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _duration_figures(row: dict, parameters: Parameters) -> dict:
    return {"category": row["category"], "figure": _jsonable(row["duration_days"]),
            "limit": _jsonable(_max_days(parameters).get(row["category"]))}


def _speech_figures(row: dict, parameters: Parameters) -> dict:
    figure, limit = {}, {}
    for speech in SPEECH:
        if speech.broken(row, parameters):
            figure[speech.field], limit[speech.field] = row[speech.field], speech.limit(parameters)
    return {"figure": figure, "limit": limit}


def _budget_figures(row: dict, parameters: Parameters) -> dict:
    return {"figure": row["budget_spent"], "limit": row["budget_allocated"]}


def _reheld_figures(row: dict, parameters: Parameters) -> dict:
    return {"figure": True, "limit": False}


def _cap_figures(row: dict, parameters: Parameters) -> dict:
    return {"figure": 1, "limit": None}


# ------------------------------------------------------------------ why a listed conference broke the rule (text)

def _duration_reason(item: dict) -> str:
    return _("%(figure)s days, at most %(limit)s allowed") % formatting.numbers(
        {"figure": item.get("figure"), "limit": item.get("limit")})


def _speech_reason(item: dict) -> str:
    figure, limit = item.get("figure"), item.get("limit")
    if not isinstance(figure, dict):
        return ""
    labels = {speech.field: speech.label for speech in SPEECH}
    return "; ".join(
        _("%(what)s %(figure)s minutes, at most %(limit)s") % formatting.numbers({
            "what": labels.get(key, key), "figure": value, "limit": (limit or {}).get(key)})
        for key, value in figure.items()
    )


def _budget_reason(item: dict) -> str:
    return _("spent %(figure)s VND of %(limit)s VND allocated") % formatting.numbers(
        {"figure": item.get("figure"), "limit": item.get("limit")})


def _reheld_reason(item: dict) -> str:
    return _("re-held after a conference held online down to the grassroots")


def _cap_reason(item: dict) -> str:
    return _("all-leaders conference without an approved exception")


# --------------------------------------------------------------------- the rule in the outlook, from its limits

def _duration_rule(parameters: Parameters) -> str:
    limits = _max_days(parameters)
    return ", ".join(str(rule) % formatting.numbers({"days": str(limits[category])})
                     for category, rule in DURATION_RULES.items() if limits.get(category) is not None)


def _speech_rule(parameters: Parameters) -> str:
    return ", ".join(str(speech.rule) % formatting.numbers({"n": speech.limit(parameters)})
                     for speech in SPEECH if speech.limit(parameters) is not None)


def _budget_rule(parameters: Parameters) -> str:
    return _("spending within the allocated budget")


def _reheld_rule(parameters: Parameters) -> str:
    return _("no re-holding of a conference already held online down to the grassroots")


# ----------------------------------------------------------------------------------------------- the entries

@dataclass(frozen=True)
class TargetEntry:
    """What the code knows of one target (see the module's docstring). The texts are functions, called in the
    active language: `(n) -> template` where a count chooses the plural, `(parameters) -> text` for a rule."""

    code: str
    short_name: Promise  # the heat maps' column label; no figures in it (thresholds are data)
    reads: Reads
    violation: Callable[[Parameters], Q] | None = None
    recorded: Callable[[], Q] | None = None  # the conferences a per-conference rule is judged on, when not all
    offender_fields: tuple[str, ...] = ()
    offender_figures: Callable[[dict, Parameters], dict] | None = None
    offender_reason: Callable[[dict], str] | None = None
    rule: Callable[[Parameters], str] | None = None  # an all-comply target's rule, for the outlook
    # A reduction's sentences: why it missed; how many more are allowed; how many too many already.
    missed: Callable[[int], str] | None = None
    room: Callable[[int], str] | None = None
    over: Callable[[int], str] | None = None
    # A share of at least: what is missing when it missed, and what must be done.
    missing: Promise | None = None
    done: Promise | None = None

    @property
    def violation_measure(self) -> str | None:
        """The measure that counts the conferences breaking the rule: the offending ones, or a cap's numerator."""
        if self.violation is None:
            return None
        return self.reads.offending or self.reads.numerator

    @property
    def complying(self) -> bool:
        """Judged on the share of conferences that kept to a rule (numerator = denominator − offending)."""
        return self.reads.offending is not None


CATALOGUE: dict[str, TargetEntry] = {entry.code: entry for entry in (
    TargetEntry(
        DOC_REDUCTION, gettext_lazy("Fewer documents"), Reads(numerator="red", baseline="red_prev"),
        missed=lambda n: ngettext(
            "%(n)s administrative document above the allowed count (%(current)s issued, at most %(allowed)s "
            "allowed against %(baseline)s the year before).",
            "%(n)s administrative documents above the allowed count (%(current)s issued, at most %(allowed)s "
            "allowed against %(baseline)s the year before).", n),
        room=lambda n: ngettext(
            "At most %(n)s more administrative document this year (%(current)s of %(allowed)s allowed so far).",
            "At most %(n)s more administrative documents this year (%(current)s of %(allowed)s allowed so far).",
            n),
        over=lambda n: ngettext(
            "Already %(n)s administrative document above the %(allowed)s allowed: the target can no longer be "
            "met this year.",
            "Already %(n)s administrative documents above the %(allowed)s allowed: the target can no longer be "
            "met this year.", n),
    ),
    TargetEntry(
        MEETING_REDUCTION, gettext_lazy("Fewer conferences"), Reads(numerator="n", baseline="n_prev"),
        missed=lambda n: ngettext(
            "%(n)s conference above the allowed count (%(current)s held, at most %(allowed)s allowed against "
            "%(baseline)s the year before).",
            "%(n)s conferences above the allowed count (%(current)s held, at most %(allowed)s allowed against "
            "%(baseline)s the year before).", n),
        room=lambda n: ngettext(
            "At most %(n)s more conference this year, regular sessions apart (%(current)s of %(allowed)s allowed "
            "so far).",
            "At most %(n)s more conferences this year, regular sessions apart (%(current)s of %(allowed)s "
            "allowed so far).", n),
        over=lambda n: ngettext(
            "Already %(n)s conference above the %(allowed)s allowed: the target can no longer be met this year.",
            "Already %(n)s conferences above the %(allowed)s allowed: the target can no longer be met this year.",
            n),
    ),
    TargetEntry(MEETING_ONLINE_SHARE, gettext_lazy("In-person share"), Reads(numerator="in_person", denominator="n")),
    TargetEntry(
        PROVINCE_WIDE_CAP, gettext_lazy("Province-wide cap"),
        Reads(numerator="cap", denominator="cap_all", countable="n"),
        violation=_all_leaders_without_exception, recorded=_all_leaders,
        offender_fields=("scope", "exception_approved"),
        offender_figures=_cap_figures, offender_reason=_cap_reason,
    ),
    TargetEntry(
        COMMUNE_WIDE_CAP, gettext_lazy("Commune-wide cap"),
        Reads(numerator="cap", denominator="cap_all", countable="n"),
        violation=_all_leaders_without_exception, recorded=_all_leaders,
        offender_fields=("scope", "exception_approved"),
        offender_figures=_cap_figures, offender_reason=_cap_reason,
    ),
    TargetEntry(
        CONFERENCE_DURATION, gettext_lazy("Conference length"), Reads(offending="dur_bad", denominator="n"),
        violation=_duration_violation, offender_fields=("category", "duration_days"),
        offender_figures=_duration_figures, offender_reason=_duration_reason, rule=_duration_rule,
    ),
    TargetEntry(
        SPEECH_LIMITS, gettext_lazy("Speech lengths"), Reads(offending="speech_bad", denominator="speech_rec"),
        violation=_speech_violation, recorded=_speech_recorded,
        offender_fields=tuple(speech.field for speech in SPEECH),
        offender_figures=_speech_figures, offender_reason=_speech_reason, rule=_speech_rule,
    ),
    TargetEntry(
        CONFERENCE_BUDGET, gettext_lazy("Within budget"), Reads(offending="budget_bad", denominator="budget_rec"),
        violation=_budget_violation, recorded=_budget_recorded,
        offender_fields=("budget_allocated", "budget_spent"),
        offender_figures=_budget_figures, offender_reason=_budget_reason, rule=_budget_rule,
    ),
    TargetEntry(
        NO_REPEAT_CONFERENCE, gettext_lazy("No re-holding"), Reads(offending="reheld", denominator="n"),
        violation=_reheld, offender_fields=("reheld_after_online",),
        offender_figures=_reheld_figures, offender_reason=_reheld_reason, rule=_reheld_rule,
    ),
    TargetEntry(
        PROCEDURES_DIGITAL, gettext_lazy("Digital procedures"),
        Reads(numerator="proc_digital", denominator="proc_total"),
        missing=gettext_lazy("administrative procedures were not handled digitally"),
        done=gettext_lazy("administrative procedures handled digitally"),
    ),
    TargetEntry(
        DOC_DIGITIZATION, gettext_lazy("Digitised documents"), Reads(numerator="dig", denominator="all"),
        missing=gettext_lazy("documents were not digitised"), done=gettext_lazy("documents digitised"),
    ),
    TargetEntry(
        DOC_NETWORK, gettext_lazy("Documents sent online"), Reads(numerator="net", denominator="all"),
        missing=gettext_lazy("documents were not sent over the network"),
        done=gettext_lazy("documents sent over the network"),
    ),
)}


def short_name(target: Target | str) -> str:
    """A target's short label (heat-map columns, bars on a phone, the report files' columns) in the active language;
    its code for a target added without one."""
    code = target if isinstance(target, str) else target.code
    found = CATALOGUE.get(code)
    return str(found.short_name) if found is not None else code


def conference_conditions(parameters: dict[str, Parameters]) -> dict[str, Q]:
    """{measure: condition} of every measure the catalogue defines on conferences (each rule's violations, and the
    conferences it is judged on when not all of them), given each target's parameters ({code: parameters}).
    Targets sharing a measure (the two caps) share its condition."""
    conditions: dict[str, Q] = {}
    for code, found in CATALOGUE.items():
        if found.violation is not None:
            conditions.setdefault(found.violation_measure, found.violation(parameters.get(code) or {}))
        if found.recorded is not None:
            conditions.setdefault(found.reads.denominator, found.recorded())
    return conditions


def offender_conditions(parameters: dict[str, Parameters]) -> dict[str, Q]:
    """{code: condition} of the conferences each target lists as offenders, one per violation measure (the first
    target of a shared one); `offenders_share` says which target lists whose."""
    conditions: dict[str, Q] = {}
    seen: set[str] = set()
    for code, found in CATALOGUE.items():
        if found.violation is not None and found.violation_measure not in seen:
            seen.add(found.violation_measure)
            conditions[code] = found.violation(parameters.get(code) or {})
    return conditions


def offenders_share() -> dict[str, str]:
    """{code: the code whose offenders list it shares} for the targets whose violation measure another listed
    first (COMMUNE_WIDE_CAP lists PROVINCE_WIDE_CAP's: the same conferences)."""
    first: dict[str, str] = {}
    shared = {}
    for code, found in CATALOGUE.items():
        if found.violation is not None:
            owner = first.setdefault(found.violation_measure, code)
            if owner != code:
                shared[code] = owner
    return shared


def offender_fields() -> list[str]:
    """Every conference field a listed offender keeps (the union over the catalogue)."""
    return sorted({name for found in CATALOGUE.values() for name in found.offender_fields})


def applies(target: Target, unit: dict) -> bool:
    """Whether `target` applies to `unit` (a dict with its kind and level), by the target's `applies_to`."""
    if target.applies_to == Applicability.PROVINCIAL_LOCALITIES:
        return unit["kind"] == Kind.LOCALITY and unit["level"] == Level.PROVINCIAL
    if target.applies_to == Applicability.COMMUNE_LOCALITIES:
        return unit["kind"] == Kind.LOCALITY and unit["level"] == Level.COMMUNE
    return True
