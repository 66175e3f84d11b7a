"""What a target's threshold and parameters may hold, by the target's kind: one rule for the admin, the API and
every `full_clean()` (TargetThreshold.clean), so a value the engine cannot judge with is refused at the door."""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import formatting
from .choices import Comparison

# Comparisons whose threshold is a fraction (0.15 = 15 %); a cap holds a whole number of conferences.
FRACTION_KINDS = (Comparison.REDUCTION_AT_LEAST, Comparison.SHARE_AT_MOST, Comparison.SHARE_AT_LEAST,
                  Comparison.ALL_COMPLY)
# The limits of SPEECH_LIMITS, in minutes (the engine reads them as whole numbers).
SPEECH_KEYS = ("opening_max_min", "closing_total_max_min", "presentation_max_min")
# The conference categories CONFERENCE_DURATION's max_days may name: the meetings app registers its categories
# at ready(), so the core validates the target catalogue without importing the register.
_conference_categories: list[str] = []


def conference_categories_register(values) -> None:
    _conference_categories[:] = [str(value) for value in values]


def number(value: Any) -> Decimal | None:
    """A JSON value as a finite Decimal (numbers and numeric strings), or None for anything else (true, "zero")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def is_count(comparison: str) -> bool:
    """Whether a target judged by `comparison` is judged on a number of conferences (a cap, whose threshold is a
    whole number), not on a fraction: the one rule for validation, the engine's pages and the report files."""
    return comparison == Comparison.COUNT_AT_MOST


def threshold_text(comparison: str, threshold: Any) -> str:
    """A threshold as people read it, in the active language: "15 %", "95,5 %", or a cap's "2"."""
    value = number(threshold)
    if value is None:
        return "–"
    if is_count(comparison):
        return formatting.number(value, places=0)
    return f"{formatting.percent(value)} %"


def threshold_errors(comparison: str, threshold: Any) -> list:
    """Why `threshold` cannot be a threshold of a target judged by `comparison` (empty: it can)."""
    value = number(threshold)
    if value is None:
        return []  # the field's own validation reports a missing or non-numeric value
    if is_count(comparison):
        if value < 0 or value != value.to_integral_value():
            return [_("A cap is a whole number of conferences, 0 or more (e.g. 2).")]
    elif comparison in FRACTION_KINDS and not Decimal(0) < value <= Decimal(1):
        return [_("A share or a reduction is a fraction greater than 0 and at most 1 (0.15 = 15 %%); %(value)s "
                  "is not.") % {"value": threshold}]
    return []


def _positive_whole(value: Any) -> bool:
    # The engine reads these with int(): "10" and 10.0 work, "10.5" would fail the recompute.
    if isinstance(value, str) and not value.strip().isdigit():
        return False
    found = number(value)
    return found is not None and found > 0 and found == found.to_integral_value()


def parameters_errors(code: str, parameters: Any) -> list:
    """Why `parameters` cannot be the parameters of target `code` (empty: they can)."""
    if not isinstance(parameters, dict):
        return [_("Parameters are an object of named limits, e.g. {\"max_days\": {\"dissemination\": 0.5}}.")]
    if code == "CONFERENCE_DURATION":
        allowed = ("max_days",)
    elif code == "SPEECH_LIMITS":
        allowed = SPEECH_KEYS
    else:
        allowed = ()
    errors = []
    unknown = sorted(set(parameters) - set(allowed))
    if unknown:
        if allowed:
            errors.append(_("Unknown parameters %(unknown)s: this target knows %(known)s.")
                          % {"unknown": ", ".join(unknown), "known": ", ".join(allowed)})
        else:
            errors.append(_("This target takes no parameters (found %(unknown)s); leave them empty ({}).")
                          % {"unknown": ", ".join(unknown)})
    if code == "CONFERENCE_DURATION" and "max_days" in parameters:
        max_days = parameters["max_days"]
        categories = list(_conference_categories)
        if not isinstance(max_days, dict):
            errors.append(_("max_days is an object of days per conference category, e.g. {\"dissemination\": 0.5}."))
        else:
            for category, days in max_days.items():
                if category not in categories:
                    errors.append(_("max_days: unknown conference category “%(category)s” (known: %(known)s).")
                                  % {"category": category, "known": ", ".join(categories)})
                elif (found := number(days)) is None or found <= 0:
                    errors.append(_("max_days of “%(category)s” must be a number of days greater than 0, not "
                                    "%(value)s.") % {"category": category, "value": _json(days)})
    if code == "SPEECH_LIMITS":
        for key in SPEECH_KEYS:
            if key in parameters and not _positive_whole(parameters[key]):
                errors.append(_("%(key)s must be a whole number of minutes greater than 0, not %(value)s.")
                              % {"key": key, "value": _json(parameters[key])})
    return errors


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
