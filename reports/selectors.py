"""Reads of period reports: the stored figures a report shows, reporting rates and what is due. Which reports and
exports a user sees is their `visible_to(user)`, applied by the pages' and the API's mixins."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reform.choices import Kind, Level, Role
from reform.models import Target, Unit, User
from reform.querysets import subtree_q
from reporting.models import ComplianceResult
from reporting.provisional import Standing, standing_of
from reporting.selectors import compliance_summary
from reporting.signals import signals_for_report

from .choices import ReportState, Timeliness
from .conf import setting_int
from .models import PeriodReport, ReportExport
from .periods import ReportingPeriod, deadline_state, recent_periods, scheduled_codes

SUBMITTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
# Conclusion 226 section 2: documents, conferences, IT and digital transformation.
TARGET_GROUPS = {"2.1": _("Documents"), "2.2": _("Conferences"), "2.3": _("IT and digital transformation")}
RESULT_FIELDS = ["unit", "year", "period", "target", "status", "value", "threshold", "numerator", "denominator",
                 "baseline", "provisional", "window_end", "computed_at"]


def targets() -> list[Target]:
    return list(Target.objects.order_by("order", "code"))


def target_group(clause: str) -> str:
    """`2.2` and `2.2.a` both belong to group 2.2."""
    return ".".join(str(clause).split(".")[:2])


def summary(*, unit: Unit, period: ReportingPeriod) -> list[dict]:
    """Per target: the subtree's units by status and the aggregate figure, as the engine stored them.

    The engine's `compliance_summary` for the engine period of the report, flattened for the writers
    (counts at the top level) and with the target group and the met/missed shares of the judged units.
    """
    rows = []
    for row in compliance_summary(year=period.year, period=period.engine_period, unit=unit):
        row = {**row, **row["counts"], "units": row["n_units"], "group": target_group(row["clause"])}
        judged = row["met"] + row["missed"]
        row["met_share"] = round(row["met"] / judged, 4) if judged else None
        row["missed_share"] = round(row["missed"] / judged, 4) if judged else None
        rows.append(row)
    return rows


def unit_results(*, unit: Unit, period: ReportingPeriod, subtree: bool = True) -> list[dict]:
    """Stored results (API field names, plus the unit's code, name and level) for the unit or its subtree."""
    scope = subtree_q(unit) if subtree else Q(unit=unit)
    return list(
        ComplianceResult.objects.filter(scope, year=period.year, period=period.engine_period)
        .order_by("unit__path", "target__order", "target_id")
        .values(*RESULT_FIELDS, unit_code=F("unit__code"), unit_name=F("unit__name"),
                unit_level=F("unit__level"), unit_path=F("unit__path"))
    )


def report_figures(*, unit: Unit, period: ReportingPeriod) -> dict:
    return {"summary": summary(unit=unit, period=period), "own": unit_results(unit=unit, period=period, subtree=False)}


def records_in_window(*, unit: Unit, window: tuple[datetime.date, datetime.date], lineage: bool = True) -> dict:
    """How many records of the unit's subtree a report's window holds, per register (three counts): what its figures
    are made of. With `lineage`, also the records of the legacy units that count in the subtree (before July 2025),
    as the figures count them; without, only those an approval of the unit's report locks (the subtree's own)."""
    from documents.models import DigitizationReport, Document
    from meetings.models import Conference
    from reporting.selectors import lineage as legacy_units

    start, end = window
    scope = subtree_q(unit)
    if lineage:
        scope |= Q(unit_id__in=list(legacy_units(unit=unit)))
    quarters = [q for q in (1, 2, 3, 4) if datetime.date(start.year, 3 * q - 2, 1) <= end]
    counts = {
        "documents": Document.objects.filter(scope, issued_on__gte=start, issued_on__lte=end).count(),
        "conferences": Conference.objects.filter(scope, held_on__gte=start, held_on__lte=end).count(),
        "digitization": DigitizationReport.objects.filter(scope, year=start.year, quarter__in=quarters).count(),
    }
    return {**counts, "total": sum(counts.values())}


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def reporting_rate(*, unit: Unit, period: ReportingPeriod, today: datetime.date | None = None) -> dict:
    """The localities directly under a unit (provinces of the nation, communes of a province) and their reports.

    Submitted means submitted or approved; on time when first submitted on or before the deadline
    (`periods.deadline_state`). A returned or reopened report counts as not submitted until it is submitted
    again; a row not submitted says how many days it is overdue (`days_overdue`, 0 before the deadline passes).
    """
    today = today or timezone.localdate()
    localities = list(Unit.objects.current().filter(parent=unit, kind=Kind.LOCALITY).order_by("code"))
    reports = {
        report.unit_id: report
        for report in PeriodReport.objects.filter(unit__in=localities, year=period.year, period=period.code)
    }
    deadline = period.deadline
    rows, totals = [], {Timeliness.ON_TIME: 0, Timeliness.LATE: 0, Timeliness.MISSING: 0}
    for locality in localities:
        report = reports.get(locality.pk)
        submitted_on = _local_date(report.first_submitted_at) if report else None
        counted = report is not None and report.state in SUBMITTED_STATES
        state = deadline_state(deadline=deadline, today=today, submitted_on=submitted_on if counted else None)
        timeliness = state.status if counted else Timeliness.MISSING
        totals[timeliness] += 1
        rows.append({"unit": locality, "report": report, "timeliness": timeliness, "submitted_on": submitted_on,
                     "days_late": state.days if timeliness == Timeliness.LATE else 0,
                     "days_overdue": state.days if state.is_overdue else 0})
    expected = len(localities)
    submitted = totals[Timeliness.ON_TIME] + totals[Timeliness.LATE]
    return {
        "unit": unit, "period": period, "deadline": deadline, "rows": rows, "expected": expected,
        "submitted": submitted, "on_time": totals[Timeliness.ON_TIME], "late": totals[Timeliness.LATE],
        "missing": totals[Timeliness.MISSING],
        "rate": round(submitted / expected, 4) if expected else None,
        "on_time_rate": round(totals[Timeliness.ON_TIME] / expected, 4) if expected else None,
    }


@dataclass
class ExportData:
    unit: Unit
    period: ReportingPeriod
    summary: list[dict]
    rows: list[dict]
    rate: dict
    report: PeriodReport | None
    generated_at: datetime.datetime
    groups: dict[str, list[dict]] = field(default_factory=dict)
    # The integrity signals of the unit's subtree for the year, with their reviews (reporting/signals.py).
    signals: list[dict] = field(default_factory=list)

    @property
    def standing(self) -> Standing:
        """Provisional when any figure of the file is (its period had not ended when last computed)."""
        return standing_of([*self.summary, *self.rows])

    @property
    def group_titles(self) -> dict[str, str]:
        return {key: str(title) for key, title in TARGET_GROUPS.items()}


def export_data(*, unit: Unit, period: ReportingPeriod) -> ExportData:
    rows = summary(unit=unit, period=period)
    groups: dict[str, list[dict]] = {key: [] for key in TARGET_GROUPS}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    return ExportData(
        unit=unit, period=period, summary=rows, rows=unit_results(unit=unit, period=period),
        rate=reporting_rate(unit=unit, period=period),
        report=PeriodReport.objects.filter(unit=unit, year=period.year, period=period.code).first(),
        generated_at=timezone.now(), groups=groups,
        signals=signals_for_report(unit=unit, year=period.year),
    )


# --- lists and queues -----------------------------------------------------------------------------------------

def review_queue() -> QuerySet[PeriodReport]:
    return PeriodReport.objects.awaiting_review().select_related("unit", "submitted_by").order_by("submitted_at")


def submittable_periods(*, today: datetime.date) -> list[ReportingPeriod]:
    return recent_periods(today, codes=["Q1", "Q2", "Q3", "Q4", "H1", "M9", "Y"])


def own_periods(*, unit: Unit, today: datetime.date) -> list[dict]:
    """A locality's submittable periods, latest first, each with its report (or None), deadline and deadline state.

    The deadline is the report's own (fixed when it was submitted) or the period's. A period localities must
    report on (REPORT_PERIODS) that was never submitted is due, then overdue the day after its deadline; one
    they may report on (e.g. nine months) is never flagged. Lateness is judged on the first submission.
    """
    existing = {(r.year, r.period): r for r in PeriodReport.objects.filter(unit=unit)}
    required = set(scheduled_codes())
    rows = []
    for period in submittable_periods(today=today):
        report = existing.get((period.year, period.code))
        deadline = report.deadline if report else period.deadline
        submitted_on = _local_date(report.first_submitted_at) if report else None
        state = None
        if submitted_on is not None or period.code in required:
            state = deadline_state(deadline=deadline, today=today, submitted_on=submitted_on)
        rows.append({"period": period, "report": report, "deadline": deadline, "deadline_state": state})
    return rows


def overdue_periods(*, unit: Unit, today: datetime.date) -> list[dict]:
    """The required periods a locality has not submitted by their deadline, latest first (`own_periods` rows)."""
    return [row for row in own_periods(unit=unit, today=today)
            if row["deadline_state"] is not None and row["deadline_state"].is_overdue]


# --- schedules ------------------------------------------------------------------------------------------------

def reminder_days() -> int:
    return setting_int("REPORT_REMINDER_DAYS")


def export_delay_days() -> int:
    return setting_int("REPORT_EXPORT_DELAY_DAYS")


def reporting_localities() -> QuerySet[Unit]:
    """Every locality that reports: current provinces and communes (the central level receives; units that ended
    on 30 June 2025 report no more)."""
    return Unit.objects.current().filter(kind=Kind.LOCALITY).exclude(level=Level.CENTRAL)


def reminders_due(*, today: datetime.date):
    """(period, locality, its active entry officers) for each report due within REPORT_REMINDER_DAYS, not submitted."""
    days = reminder_days()
    for period in recent_periods(today, codes=scheduled_codes()):
        if not (period.deadline - datetime.timedelta(days=days) <= today <= period.deadline):
            continue
        submitted = PeriodReport.objects.filter(
            unit=OuterRef("pk"), year=period.year, period=period.code, state__in=SUBMITTED_STATES
        )
        missing = reporting_localities().filter(~Exists(submitted))
        officers: dict[int, list[User]] = {}
        for officer in User.objects.filter(role=Role.ENTRY, is_active=True, unit__in=missing).order_by("pk"):
            officers.setdefault(officer.unit_id, []).append(officer)
        for unit in Unit.objects.filter(pk__in=officers).order_by("path"):
            yield period, unit, officers[unit.pk]


def periods_due_for_export(*, today: datetime.date) -> list[ReportingPeriod]:
    delay = datetime.timedelta(days=export_delay_days())
    return [period for period in recent_periods(today, codes=scheduled_codes()) if today >= period.window[1] + delay]


def scheduled_export_units() -> list[Unit]:
    """The nation (the root) and every current province."""
    return list(
        Unit.objects.current()
        .filter(Q(parent__isnull=True, level=Level.CENTRAL) | Q(level=Level.PROVINCIAL, kind=Kind.LOCALITY))
        .order_by("path")
    )
