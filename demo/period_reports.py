"""Period reports for the demo: every state a reviewer or an officer meets, and one generated export.

The provinces of the demo get reports on the periods they must report on (REPORT_PERIODS) of this year and the last
that have closed, their communes on the latest of them: approved (some submitted late), submitted and awaiting
review, returned with the reviewer's comment, and some never submitted, overdue. A few are fixed so the demo users always see each
state: Hà Nội's latest report awaits review and the one before was returned; Lai Châu's latest is overdue; the
commune of the demo's commune officer (the first of Hà Nội) has not sent its latest report. One report file, Hà
Nội's for the latest period, is generated as the daily job would, so the archive has a download.

Like the records, these are loaded by the system: written in bulk, with no audit-trail rows, which is what marks
them as replaceable by the next run; a report that a person submitted, approved or returned (it has history) is
kept. The figures each report carries are the stored compliance results, as on submission.
"""
from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from reform.choices import Kind, Level, Role
from reform.models import Unit, User
from reports.choices import ExportFormat, ExportStatus, ReportAction, ReportState
from reports.models import PeriodReport, PeriodReportEvent, ReportExport
from reports.periods import ReportingPeriod, recent_periods, scheduled_codes
from reports.services import export_generate, results_snapshot

# Communes get the latest required period only: enough for a province's reporting rate (whose page opens on it),
# and each commune report's figures cost a full scan of the year's results on SQLite.
COMMUNE_PERIODS = 1
SUBMITTED, APPROVED, APPROVED_LATE, RETURNED, MISSING, SUBMITTED_LATE = (
    "submitted", "approved", "approved_late", "returned", "missing", "submitted_late")
# (outcome, weight) for the latest closed period, then for the earlier ones.
LATEST_MIX = [(SUBMITTED, 40), (SUBMITTED_LATE, 10), (APPROVED, 20), (RETURNED, 10), (MISSING, 20)]
EARLIER_MIX = [(APPROVED, 80), (APPROVED_LATE, 10), (RETURNED, 3), (MISSING, 7)]

DIFFICULTIES = (
    "Một số xã chưa có đường truyền ổn định để tổ chức hội nghị trực tuyến đến cơ sở.",
    "Kinh phí số hoá tài liệu lưu trữ còn hạn chế; thiết bị quét văn bản chưa đồng bộ.",
    "Cán bộ văn thư kiêm nhiệm nhiều việc sau khi sắp xếp tổ chức bộ máy.",
    "Phần mềm quản lý văn bản của một số cơ quan chưa kết nối với hệ thống của tỉnh.",
)
PROPOSALS = (
    "Đề nghị Trung ương hỗ trợ kinh phí nâng cấp hệ thống hội nghị truyền hình đến cấp xã.",
    "Đề nghị ban hành hướng dẫn thống nhất về số hoá văn bản đi, đến.",
    "Đề nghị tổ chức tập huấn về chuyển đổi số cho cán bộ cấp xã.",
)
RETURN_COMMENTS = (
    "Đề nghị bổ sung số liệu hội nghị trực tuyến và giải trình chỉ tiêu giảm hội nghị.",
    "Số liệu số hoá văn bản chưa khớp với báo cáo quý trước; đề nghị rà soát và gửi lại.",
    "Báo cáo còn thiếu phần khó khăn, vướng mắc và đề xuất, kiến nghị.",
)
APPROVE_COMMENTS = ("", "", "Đạt yêu cầu.", "Thống nhất với báo cáo.")


@dataclass
class ReportSeedResult:
    reports: dict[str, int] = field(default_factory=dict)  # by outcome
    replaced: int = 0
    kept: int = 0
    export: ReportExport | None = None


def _weighted(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([outcome for outcome, _ in mix], weights=[weight for _, weight in mix])[0]


def _moment(day: datetime.date, rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """Office hours on `day`, never after now."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59))))
    return min(moment, now - datetime.timedelta(minutes=5))


def _delete_replaceable(units: Sequence[Unit]) -> int:
    """Reports of these units with no audit trail (earlier demo loads), and their events. Raw SQL, as the demo
    records: the protection of approved reports guards people's deletes, not the demo replacing its own."""
    history = PeriodReport.history.model
    ids = list(PeriodReport.objects.filter(unit__in=[u.pk for u in units])
               .exclude(pk__in=history.objects.values("id")).values_list("pk", flat=True))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {quote(PeriodReportEvent._meta.db_table)} WHERE report_id IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM {quote(PeriodReport._meta.db_table)} WHERE id IN ({marks})", chunk)
    return len(ids)


def _fixed_outcome(unit: Unit, index: int, commune_officer_unit_id: int | None) -> str | None:
    """The states the demo users must meet, whatever the seed draws (`index` 0 is the latest period)."""
    if unit.code == "01":
        return {0: SUBMITTED, 1: RETURNED}.get(index, APPROVED)
    if unit.code == "12" and index == 0:
        return MISSING
    if unit.code == "46" and index == 0:
        return SUBMITTED_LATE
    if unit.pk == commune_officer_unit_id:
        return {0: MISSING, 1: APPROVED_LATE}.get(index, APPROVED)
    return None


def demo_reports_seed(*, provinces: Sequence[str], seed: int = 226, today: datetime.date | None = None,
                      max_communes: int | None = None, export: bool = True,
                      progress: Callable[[str], None] = lambda _: None) -> ReportSeedResult:
    """Seed the period reports of the provinces `provinces` and their communes (see the module's note)."""
    today = today or timezone.localdate()
    now = timezone.now()
    result = ReportSeedResult()
    required = scheduled_codes()
    periods = recent_periods(today, codes=required)  # closed, latest first (this year and the last)
    provinces_ = list(Unit.objects.current().filter(code__in=provinces, level=Level.PROVINCIAL, kind=Kind.LOCALITY)
                      .order_by("code"))
    localities: list[tuple[Unit, list[ReportingPeriod]]] = []
    for province in provinces_:
        localities.append((province, periods))
        communes = (Unit.objects.current().filter(parent=province, level=Level.COMMUNE, kind=Kind.LOCALITY)
                    .order_by("code"))
        if max_communes is not None:
            communes = communes[:max_communes]
        localities += [(commune, periods[:COMMUNE_PERIODS]) for commune in communes]
    if not localities or not periods:
        return result

    units = [unit for unit, _periods in localities]
    reviewer = User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk").first()
    officers: dict[int, User] = {}
    for officer in User.objects.filter(role=Role.ENTRY, is_active=True, unit__in=units).order_by("pk"):
        officers.setdefault(officer.unit_id, officer)
    # The demo's commune officer (the Makefile creates one): the first commune in the demo with an officer, whose
    # list shows every period, so only the latest is overdue.
    commune_officer_unit_id = next((unit.pk for unit in units if unit.level == Level.COMMUNE and unit.pk in officers),
                                   None)
    localities = [(unit, periods if unit.pk == commune_officer_unit_id else unit_periods)
                  for unit, unit_periods in localities]

    with transaction.atomic():
        result.replaced = _delete_replaceable(units)
        kept = set(PeriodReport.objects.filter(unit__in=units).values_list("unit_id", "year", "period"))
        result.kept = len(kept)
        reports: list[PeriodReport] = []
        plans: list[tuple[PeriodReport, str, random.Random]] = []
        for unit, unit_periods in localities:
            for index, period in enumerate(unit_periods):
                if (unit.pk, period.year, period.code) in kept:
                    continue
                rng = random.Random(f"{seed}|period-report|{unit.code}|{period}")
                outcome = _fixed_outcome(unit, index, commune_officer_unit_id) or _weighted(
                    rng, LATEST_MIX if index == 0 else EARLIER_MIX)
                result.reports[outcome] = result.reports.get(outcome, 0) + 1
                if outcome == MISSING:
                    continue
                report = _report(unit, period, outcome, rng, today=today, now=now,
                                 officer=officers.get(unit.pk), reviewer=reviewer)
                reports.append(report)
                plans.append((report, outcome, rng))
        PeriodReport.objects.bulk_create(reports, batch_size=500)
        PeriodReportEvent.objects.bulk_create(
            [event for report, outcome, rng in plans for event in _events(report, outcome)], batch_size=500)
    progress(f"Period reports: {len(reports):,} ("
             + ", ".join(f"{n:,} {outcome.replace('_', ' ')}" for outcome, n in sorted(result.reports.items()))
             + f"); {result.replaced:,} earlier demo reports replaced, {result.kept:,} entered by people kept.")
    if export:
        result.export = _ready_export(provinces_[0], periods[0]) if provinces_ else None
    return result


def _report(unit: Unit, period: ReportingPeriod, outcome: str, rng: random.Random, *, today: datetime.date,
            now: datetime.datetime, officer: User | None, reviewer: User | None) -> PeriodReport:
    deadline = period.deadline
    late = outcome in (APPROVED_LATE, SUBMITTED_LATE)
    sent_on = deadline + datetime.timedelta(days=rng.randint(1, 20)) if late else \
        deadline - datetime.timedelta(days=rng.randint(0, 8))
    sent_on = min(max(sent_on, period.window[1] + datetime.timedelta(days=1)), today)
    submitted_at = _moment(sent_on, rng, now)
    start, end = period.to_date_window
    report = PeriodReport(
        unit=unit, year=period.year, period=period.code, window_start=start, window_end=end, deadline=deadline,
        difficulties=rng.choice(DIFFICULTIES), proposals=rng.choice(PROPOSALS),
        results={**results_snapshot(unit=unit, period=period), "taken_at": submitted_at.isoformat()},
        first_submitted_at=submitted_at, submitted_by=officer, submitted_at=submitted_at,
        state=ReportState.SUBMITTED,
    )
    if outcome in (APPROVED, APPROVED_LATE, RETURNED):
        decided_on = min(sent_on + datetime.timedelta(days=rng.randint(1, 6)), today)
        report.decided_by, report.decided_at = reviewer, max(_moment(decided_on, rng, now), submitted_at)
        if outcome == RETURNED:
            report.state, report.comment = ReportState.RETURNED, rng.choice(RETURN_COMMENTS)
        else:
            report.state, report.comment = ReportState.APPROVED, rng.choice(APPROVE_COMMENTS)
    return report


def _events(report: PeriodReport, outcome: str) -> list[PeriodReportEvent]:
    events = [PeriodReportEvent(report=report, action=ReportAction.SUBMIT, actor=report.submitted_by,
                                at=report.submitted_at, from_state=ReportState.DRAFT, to_state=ReportState.SUBMITTED)]
    if report.decided_at is not None:
        action = ReportAction.RETURN if outcome == RETURNED else ReportAction.APPROVE
        events.append(PeriodReportEvent(report=report, action=action, actor=report.decided_by, at=report.decided_at,
                                        from_state=ReportState.SUBMITTED, to_state=report.state,
                                        comment=report.comment))
    return events


def _ready_export(unit: Unit, period: ReportingPeriod) -> ReportExport:
    """The province's XLSX file for the latest period, as the daily job makes it (kept if already made)."""
    export, _created = ReportExport.objects.get_or_create(
        unit=unit, year=period.year, period=period.code, format=ExportFormat.XLSX, scheduled=True,
        defaults={"task_id": str(uuid.uuid4())},
    )
    if export.status != ExportStatus.READY or not export.file or not export.file.storage.exists(export.file.name):
        export = export_generate(export=export)
    return export
