"""The dates a record may carry: none after today and none before `EARLIEST_RECORD_DATE` (a setting, 1 January
2000 by default). A year-1 date once stopped every recompute (the engine builds the window of the year before)
and years 2-1999 filled the results with junk years, so the rules of every register refuse them."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

DEFAULT_EARLIEST = datetime.date(2000, 1, 1)


def earliest_record_date() -> datetime.date:
    value = getattr(settings, "EARLIEST_RECORD_DATE", DEFAULT_EARLIEST)
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def too_early(value: datetime.date | None, earliest: datetime.date | None = None) -> str | None:
    """The error for a date before the earliest allowed, or None."""
    earliest = earliest or earliest_record_date()
    if value is not None and value < earliest:
        return _("The date cannot be before %(date)s.") % {"date": formats.date_format(earliest, "SHORT_DATE_FORMAT")}
    return None


def year_too_early(year: int | None, earliest: datetime.date | None = None) -> str | None:
    """The error for a year before the earliest allowed date's year, or None."""
    earliest = earliest or earliest_record_date()
    if year is not None and year < earliest.year:
        return _("The year cannot be before %(year)s.") % {"year": earliest.year}
    return None
