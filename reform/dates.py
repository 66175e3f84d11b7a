"""The dates a record may carry: none after today and none before `EARLIEST_RECORD_DATE` (a setting, 1 January
2000 by default). A year-1 date once stopped every recompute (the engine builds the window of the year before)
and years 2-1999 filled the results with junk years, so the rules of every register refuse them. A legacy unit
(before the 1 July 2025 reorganisation) has no record after its `valid_until`: those belong to its successors."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from . import formatting

DEFAULT_EARLIEST = datetime.date(2000, 1, 1)


def earliest_record_date() -> datetime.date:
    value = getattr(settings, "EARLIEST_RECORD_DATE", DEFAULT_EARLIEST)
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def too_early(value: datetime.date | None, earliest: datetime.date | None = None) -> str | None:
    """The error for a date before the earliest allowed, or None."""
    earliest = earliest or earliest_record_date()
    if value is not None and value < earliest:
        return _("The date cannot be before %(date)s.") % {"date": formatting.date(earliest)}
    return None


def year_too_early(year: int | None, earliest: datetime.date | None = None) -> str | None:
    """The error for a year before the earliest allowed date's year, or None."""
    earliest = earliest or earliest_record_date()
    if year is not None and year < earliest.year:
        return _("The year cannot be before %(year)s.") % {"year": earliest.year}
    return None


@dataclass(frozen=True)
class UnitEnd:
    """A legacy unit's last day and its successors ("31 Thành phố Hải Phòng, ...", default first)."""

    valid_until: datetime.date
    successors: str


def _ended(end: UnitEnd) -> str:
    return _("The unit ceased to exist on %(date)s: record later dates under its successor(s) %(successors)s.") % {
        "date": formatting.date(end.valid_until), "successors": end.successors or "-"}


def after_end(value: datetime.date | None, end: UnitEnd | None) -> str | None:
    """The error for a date after a legacy unit's end (its `valid_until`), or None."""
    if value is not None and end is not None and value > end.valid_until:
        return _ended(end)
    return None


def quarter_after_end(year: int | None, quarter: int | None, end: UnitEnd | None) -> tuple[str, str] | None:
    """(field, error) for a quarter starting after a legacy unit's end, or None."""
    if end is None or year is None:
        return None
    if year > end.valid_until.year:
        return "year", _ended(end)
    if year == end.valid_until.year and quarter in (1, 2, 3, 4) and 3 * quarter - 2 > end.valid_until.month:
        return "quarter", _ended(end)
    return None
