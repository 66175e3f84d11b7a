"""Reporting periods and their date windows (calendar, or the Decree 09/2019/ND-CP cut-off windows).

Two kinds of window:
- `period_window(year, period)`: the period alone (Q3 = its three months, H1 = first half, M9 = nine months,
  Y = the year);
- `to_date_window(year, period)`: the year to date, from the start of the reporting year to the end of the
  period (Q1..Q4, H1, M9, Y). The compliance engine judges every period on its to-date window.

`settings.REPORTING_WINDOWS` chooses the calendar ("calendar", default) or Decree 09 ("decree09"): a year runs
15 December of Y-1 to 14 December of Y, Q1 15 Dec–14 Mar, Q2 15 Mar–14 Jun, Q3 15 Jun–14 Sep, Q4 15 Sep–14 Dec.
The setting is read at call time, so tests can override it.
"""
from __future__ import annotations

import datetime
from calendar import monthrange

from django.conf import settings

PERIODS_TO_DATE = ("Y", "Q1", "Q2", "Q3", "Q4")
ALL_PERIODS = ("Q1", "Q2", "Q3", "Q4", "H1", "M9", "Y")

CALENDAR = "calendar"
DECREE09 = "decree09"
WINDOW_SYSTEMS = (CALENDAR, DECREE09)

# Each period as (first quarter, last quarter) of the reporting year.
_QUARTER_SPAN = {
    "Q1": (1, 1), "Q2": (2, 2), "Q3": (3, 3), "Q4": (4, 4),
    "H1": (1, 2), "M9": (1, 3), "Y": (1, 4),
}


def window_system() -> str:
    system = getattr(settings, "REPORTING_WINDOWS", CALENDAR) or CALENDAR
    if system not in WINDOW_SYSTEMS:
        raise ValueError(f"REPORTING_WINDOWS must be one of {WINDOW_SYSTEMS}, not {system!r}")
    return system


def _check(period: str) -> tuple[int, int]:
    try:
        return _QUARTER_SPAN[period]
    except KeyError:
        raise ValueError(f"Unknown period {period!r}; expected one of {ALL_PERIODS}") from None


def quarter_window(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The window of one quarter of the reporting year (both ends inclusive)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"Unknown quarter {quarter!r}")
    last_month = 3 * quarter
    if window_system() == DECREE09:
        # From the 15th of the month before the quarter to the 14th of its last month.
        first_month = last_month - 3
        start = datetime.date(year - 1, 12, 15) if first_month == 0 else datetime.date(year, first_month, 15)
        return start, datetime.date(year, last_month, 14)
    return (
        datetime.date(year, last_month - 2, 1),
        datetime.date(year, last_month, monthrange(year, last_month)[1]),
    )


def period_window(year: int, period: str) -> tuple[datetime.date, datetime.date]:
    """The period alone: "Q3" → its quarter, "H1" → first half, "M9" → nine months, "Y" → the year."""
    first, last = _check(period)
    return quarter_window(year, first)[0], quarter_window(year, last)[1]


def to_date_window(year: int, period: str) -> tuple[datetime.date, datetime.date]:
    """The year to date: from the start of the reporting year to the end of the period."""
    _first, last = _check(period)
    return quarter_window(year, 1)[0], quarter_window(year, last)[1]


def period_closed(year: int, period: str, today: datetime.date) -> bool:
    """True once the whole period lies in the past."""
    return today > period_window(year, period)[1]


def same_day_year_before(day: datetime.date) -> datetime.date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def clipped(window: tuple[datetime.date, datetime.date], last_day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """`window` cut at `last_day` (inclusive). A window that starts after it comes back empty (start > end)."""
    return window[0], min(window[1], last_day)


def is_provisional(year: int, period: str, as_of: datetime.date) -> bool:
    """A to-date period is provisional while it has not ended: its window reaches past `as_of`."""
    return to_date_window(year, period)[1] > as_of


def judged_window_end(year: int, period: str, as_of: datetime.date) -> datetime.date:
    """The last day a to-date period's figures cover: the period's end, or `as_of` while it runs."""
    return min(to_date_window(year, period)[1], as_of)


def period_quarters(period: str) -> tuple[int, ...]:
    """The quarters (1..4) of the reporting year that a to-date period covers (digitisation reports are quarterly)."""
    _first, last = _check(period)
    return tuple(range(1, last + 1))


def parse_period_label(label: str) -> tuple[int, str]:
    """"2026-Q3" → (2026, "Q3"); "2026-H1" → (2026, "H1"); "2026" → (2026, "Y")."""
    text = str(label).strip()
    year_part, _sep, period = text.partition("-")
    year = int(year_part)
    period = period.upper() or "Y"
    _check(period)
    return year, period
