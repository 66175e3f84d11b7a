"""Reporting periods as values: parse "2026-Q3", and give each period its window, deadline and engine figures.

The windows themselves come from the compliance engine (`reporting.periods`, which follows the
REPORTING_WINDOWS setting); this module only adds what reports need on top: the deadline, the
engine period whose stored results a report uses, and labels.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reform import formatting
from reporting import periods as engine_periods

from .choices import PeriodCode, PeriodKind, Timeliness
from .conf import report_periods, setting_int

PERIOD_RE = re.compile(r"^\s*(?P<year>\d{4})(?:-(?P<code>Q[1-4]|H1|M9|Y))?\s*$", re.IGNORECASE)

KIND_OF = {
    PeriodCode.Q1: PeriodKind.QUARTER, PeriodCode.Q2: PeriodKind.QUARTER, PeriodCode.Q3: PeriodKind.QUARTER,
    PeriodCode.Q4: PeriodKind.QUARTER, PeriodCode.H1: PeriodKind.HALF, PeriodCode.M9: PeriodKind.NINE_MONTHS,
    PeriodCode.YEAR: PeriodKind.YEAR,
}
# The engine stores results for the year (Y) and for each quarter to date; a report reads the
# stored figures of the engine period that ends with it.
ENGINE_PERIOD_OF = {
    PeriodCode.Q1: "Q1", PeriodCode.Q2: "Q2", PeriodCode.Q3: "Q3", PeriodCode.Q4: "Q4",
    PeriodCode.H1: "Q2", PeriodCode.M9: "Q3", PeriodCode.YEAR: "Y",
}


def deadline_days() -> int:
    return setting_int("REPORT_DEADLINE_DAYS")


@dataclass(frozen=True)
class ReportingPeriod:
    year: int
    code: str  # a PeriodCode value

    @classmethod
    def parse(cls, text: str) -> "ReportingPeriod":
        """`2026-Q3`, `2026-H1`, `2026-M9`, `2026-Y` or `2026` (the year); ValidationError otherwise."""
        match = PERIOD_RE.match(str(text or ""))
        if not match:
            raise ValidationError(
                _("“%(value)s” is not a period: write the year and a period, e.g. 2026-Q3, 2026-H1, 2026-M9 or 2026.")
                % {"value": text}, code="invalid_period",
            )
        code = (match.group("code") or "Y").upper()
        return cls(year=int(match.group("year")), code=code)

    def __str__(self) -> str:
        return str(self.year) if self.code == PeriodCode.YEAR else f"{self.year}-{self.code}"

    @property
    def kind(self) -> str:
        return KIND_OF[PeriodCode(self.code)]

    @property
    def label(self) -> str:
        return f"{PeriodCode(self.code).label} {self.year}"

    @property
    def window(self) -> tuple[datetime.date, datetime.date]:
        """The period alone (first and last day, inclusive), as REPORTING_WINDOWS defines it."""
        start, end = engine_periods.period_window(self.year, self.code)
        return start, end

    @property
    def to_date_window(self) -> tuple[datetime.date, datetime.date]:
        start, end = engine_periods.to_date_window(self.year, self.code)
        return start, end

    @property
    def deadline(self) -> datetime.date:
        return self.window[1] + datetime.timedelta(days=deadline_days())

    @property
    def engine_period(self) -> str:
        """The period of the stored compliance results this report shows (Y or a quarter to date)."""
        return ENGINE_PERIOD_OF[PeriodCode(self.code)]

    @property
    def engine_period_note(self) -> str:
        if self.engine_period == "Y":
            return _("Figures: the whole year %(year)s.") % {"year": self.year}
        start, end = self.to_date_window
        return _("Figures: year to date, from %(start)s to %(end)s (results of %(period)s to date).") % {
            "start": formatting.date(start),
            "end": formatting.date(end),
            "period": PeriodCode(self.engine_period).label,
        }

    def is_closed(self, today: datetime.date) -> bool:
        return engine_periods.period_closed(self.year, self.code, today)


def parse_period(text: str) -> ReportingPeriod:
    return ReportingPeriod.parse(text)


def scheduled_codes() -> list[str]:
    """The periods localities report on and exports are generated for (setting REPORT_PERIODS)."""
    return report_periods()


def recent_periods(today: datetime.date, *, codes: list[str] | None = None, years: int = 2,
                   include_open: bool = False) -> list[ReportingPeriod]:
    """The closed periods of this year and the previous ones, latest first (with `include_open`, also the
    periods that have begun but not ended: their figures are provisional)."""
    codes = codes or scheduled_codes()
    found = [
        ReportingPeriod(year=year, code=code)
        for year in range(today.year - years + 1, today.year + 1)
        for code in codes
    ]
    found = [period for period in found
             if period.is_closed(today) or (include_open and period.window[0] <= today)]
    return sorted(found, key=lambda p: (p.window[1], p.window[1] - p.window[0]), reverse=True)


def period_choices(periods: list[ReportingPeriod], today: datetime.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a period select, grouped by year ("Quý III 2026" under 2026); a period that has not ended
    says so."""
    groups: dict[int, list[tuple[str, str]]] = {}
    for period in periods:
        label = period.label if period.is_closed(today) else _("%(period)s (not ended)") % {"period": period.label}
        groups.setdefault(period.year, []).append((str(period), label))
    return [(str(year), options) for year, options in groups.items()]


# --- deadlines ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineState:
    """Where a report stands against its deadline.

    `status` is a Timeliness value: `on_time` or `late` once submitted (judged on the first submission, as the
    reporting rate is), `due` or `overdue` before. `days` counts the days late or overdue, or the days left
    while due (0: due today).
    """

    status: str
    days: int

    @property
    def is_overdue(self) -> bool:
        return self.status == Timeliness.OVERDUE


def deadline_state(*, deadline: datetime.date, today: datetime.date,
                   submitted_on: datetime.date | None = None) -> DeadlineState:
    """A report is due up to and including its deadline day; the day after, it is one day overdue (or late)."""
    if submitted_on is not None:
        late = (submitted_on - deadline).days
        return DeadlineState(Timeliness.LATE, late) if late > 0 else DeadlineState(Timeliness.ON_TIME, 0)
    overdue = (today - deadline).days
    return DeadlineState(Timeliness.OVERDUE, overdue) if overdue > 0 else DeadlineState(Timeliness.DUE, -overdue)
