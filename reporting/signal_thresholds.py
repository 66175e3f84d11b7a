"""The tunable parameters of each integrity signal, their defaults, and what a value may be: one rule for the admin,
the data migration and every `full_clean()` (SignalThreshold.clean), like reform/thresholds.py for the targets."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reform.thresholds import number

# kind -> {parameter: default}. Shares are fractions (0.20 = 20 points), counts whole numbers, a z-score a number.
DEFAULTS: dict[str, dict[str, Any]] = {
    # Missing numbers between 1 (or a late series start) and the highest registered number of a series.
    "number_gaps": {"min_missing": 3, "min_share": 0.10, "critical_share": 0.30, "late_start_days": 45},
    # A fall of more than `max_fall` of the same window a year before, and a peers' modified z-score > `z_score`.
    "sharp_drop": {"max_fall": 0.50, "z_score": 3.5, "min_baseline": 20},
    # Any document type's share moved by `share_points` or more while the total fell less than that.
    "type_shift": {"share_points": 0.20, "min_total": 20},
    "regular_session_shift": {"share_points": 0.20, "min_total": 5},
    "hybrid_shift": {"share_points": 0.20, "min_total": 5},
    # No records of a register in the window while at least `peers_share` of its peers (same level and kind) have.
    "silent_unit": {"peers_share": 0.80, "min_peers": 5},
    # A quarter ended more than `grace_days` ago without a digitisation report.
    "missing_report": {"grace_days": 30},
    # Records entered more than `late_days` after their date; `min_count` of them in a quarter make a signal.
    "late_entry": {"late_days": 30, "min_count": 5},
}
FRACTIONS = {"min_share", "critical_share", "max_fall", "share_points", "peers_share"}
WHOLE = {"min_missing", "late_start_days", "min_baseline", "min_total", "min_peers", "grace_days", "late_days",
         "min_count"}


def signal_parameters_errors(kind: str, parameters: Any) -> list:
    """Why `parameters` cannot be the parameters of signal `kind` (empty: they can)."""
    if not isinstance(parameters, dict):
        return [_("Parameters are an object of named values, e.g. {\"min_missing\": 3}.")]
    known = DEFAULTS.get(kind, {})
    errors = []
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        errors.append(_("Unknown parameters %(unknown)s: this signal knows %(known)s.")
                      % {"unknown": ", ".join(unknown), "known": ", ".join(known)})
    for key, value in parameters.items():
        if key not in known:
            continue
        found = number(value)
        if key in FRACTIONS and (found is None or not 0 < found <= 1):
            errors.append(_("%(key)s is a fraction greater than 0 and at most 1, not %(value)s.")
                          % {"key": key, "value": value})
        elif key in WHOLE and (found is None or found < 0 or found != found.to_integral_value()):
            errors.append(_("%(key)s is a whole number, 0 or more, not %(value)s.") % {"key": key, "value": value})
        elif key not in FRACTIONS | WHOLE and (found is None or found <= 0):
            errors.append(_("%(key)s is a number greater than 0, not %(value)s.") % {"key": key, "value": value})
    return errors


def parameters_with_defaults(kind: str, parameters: dict | None) -> dict[str, float]:
    """The defaults of `kind` overridden by the stored parameters, as numbers."""
    merged = {**DEFAULTS[kind], **(parameters or {})}
    return {key: float(number(value)) for key, value in merged.items() if key in DEFAULTS[kind]}
