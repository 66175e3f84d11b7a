"""Numbers and dates in the sentences the pages show, in the active language (12.345 and 1,5 and 31/12/2025 in
Vietnamese; 12,345 and 1.5 and 12/31/2025 in English): one rule for the explanations, the outlook and the rules."""
from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.formats import number_format

# A figure the engine stored as text (a Decimal in JSON: "1.0", "0.5"); anything else is a word.
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def number(value) -> str:
    """An int or Decimal (or a number the engine stored as text) grouped and with the language's decimal mark;
    anything else (a word, None) as it is."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        try:
            value = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return value


def numbers(values: dict) -> dict:
    """A sentence's values with every number formatted by `number`, the rest unchanged."""
    return {key: number(value) for key, value in values.items()}


def percent(fraction) -> str:
    """A threshold fraction as a percentage without a trailing zero: 0.4000 → "40", 0.955 → "95,5" in Vietnamese."""
    value = Decimal(fraction) * 100
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value, force_grouping=True)


def date(value) -> str:
    """A date (or its ISO text, as the engine stores it) in the language's short form; other text as it is."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value
