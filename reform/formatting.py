"""Numbers and dates for readers, in the active language (12.345 and 1,5 and 31/12/2025 in Vietnamese; 12,345 and 1.5
and 12/31/2025 in English): the one home of the rules the explanations, signals, limit warnings, thresholds, report
files, lock messages and the audit trail write with. (The charts' tables of thousands of cells have a cheaper twin of
`number`, reporting.charts.format_number, measured in benchmarks/dashboard.py.)"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone

# A figure stored as text (a Decimal in JSON: "1.0", "0.5", "-7.1"); anything else is a word.
_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")


def number(value, *, places: int | None = None):
    """An int, Decimal, float or number stored as text, grouped and with the language's decimal mark; the decimals it
    was given (a float's shortest text), or `places` of them. Anything else (a word, None) as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, str):
        match = _NUMBER.fullmatch(value)
        if match is None:
            return value
        try:
            value = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            return value
    if isinstance(value, (int, Decimal)):
        return formats.number_format(value, decimal_pos=places, force_grouping=True)
    return value


def numbers(values: dict) -> dict:
    """A sentence's values with every number formatted by `number`, the rest unchanged."""
    return {key: number(value) for key, value in values.items()}


def trimmed(value) -> str:
    """A figure without trailing zeros: 0.50 → "0,5", 2.0 → "2" in Vietnamese."""
    value = Decimal(str(value))
    return number(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize())


def percent(fraction, *, places: int | None = None) -> str:
    """A fraction as a percentage, without the sign: 0.4000 → "40", 0.955 → "95,5" in Vietnamese (no trailing zero),
    or with `places` decimals."""
    value = Decimal(str(fraction)) * 100
    if places is not None:
        return number(value, places=places)
    return trimmed(value)


def date(value) -> str:
    """A date (or its ISO text, as the engine stores it) in the language's short form; other text as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


def moment(value: dt.datetime) -> str:
    """A moment in the local time zone, in the language's short form."""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
