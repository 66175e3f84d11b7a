"""Every write of period reports, exports and notifications: submission, review, reopening, export requests."""
from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reform import formatting
from reform.models import Unit, User
from reform.queueing import QueueUnavailable, task_publish
from reform.services import history_reason
from reform.sweep import QueuedWork
from reporting.services import compliance_compute

from .choices import ExportFormat, ExportStatus, NotificationKind, ReportAction, ReportState
from .models import Notification, PeriodReport, PeriodReportEvent, ReportExport
from .periods import ReportingPeriod


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _record_event(*, report: PeriodReport, user: User, action: str, from_state: str, comment: str = "") -> PeriodReportEvent:
    return PeriodReportEvent.objects.create(
        report=report, action=action, actor=user, at=timezone.now(), from_state=from_state, to_state=report.state,
        comment=comment,
    )


def _save_report(report: PeriodReport, user: User, reason: str = "") -> None:
    report._history_user = user
    if reason:
        report._change_reason = history_reason(reason)  # the whole reason is in the comment and the event
    report.full_clean()
    report.save()


def results_snapshot(*, unit: Unit, period: ReportingPeriod) -> dict:
    """The stored figures a report carries: the subtree summary per target and the unit's own results."""
    from . import selectors

    data = selectors.report_figures(unit=unit, period=period)
    return _jsonable({
        "engine_period": period.engine_period,
        "note": period.engine_period_note,
        "summary": data["summary"],
        "own": data["own"],
        "taken_at": timezone.now(),
    })


def report_submit_check(*, user: User, unit: Unit, year: int, period: str) -> PeriodReport | None:
    """Raise what `report_submit` would refuse, writing nothing (the page asks for confirmation first); returns the
    unit's report of the period, if there is one."""
    if not (user.is_authenticated and user.is_entry_officer and user.unit_id == unit.pk):
        raise PermissionDenied(_("Only the entry officers of %(unit)s can submit its reports.") % {"unit": unit.name})
    if not unit.is_locality:
        raise ValidationError({"unit": _("Only localities submit period reports.")})
    reporting_period = ReportingPeriod(year=int(year), code=period)
    if not reporting_period.is_closed(timezone.localdate()):
        raise ValidationError({"period": _("The period %(period)s has not ended yet.") % {"period": reporting_period.label}})
    report = PeriodReport.objects.filter(unit=unit, year=reporting_period.year, period=reporting_period.code).first()
    if report is not None:
        _refuse_resubmission(report, unit)
    return report


def _refuse_resubmission(report: PeriodReport, unit: Unit) -> None:
    if report.state in (ReportState.SUBMITTED, ReportState.APPROVED):
        raise ValidationError(
            _("The %(period)s report of %(unit)s is already %(state)s.")
            % {"period": report.period_name, "unit": unit.name, "state": report.get_state_display().lower()}
        )


@transaction.atomic
def report_submit(*, user: User, unit: Unit, year: int, period: str, difficulties: str = "", proposals: str = "") -> PeriodReport:
    """A locality's own entry officer submits (or resubmits after a return) its report for a closed period."""
    report_submit_check(user=user, unit=unit, year=year, period=period)
    reporting_period = ReportingPeriod(year=int(year), code=period)
    # Fresh figures for the snapshot: the engine recomputes the locality's subtree (a fixed number of queries).
    compliance_compute(year=reporting_period.year, unit=unit)
    # The figures are year to date, so approval locks the whole to-date window, not the period alone.
    start, end = reporting_period.to_date_window
    report, _created = PeriodReport.objects.select_for_update().get_or_create(
        unit=unit, year=reporting_period.year, period=reporting_period.code,
        defaults={"window_start": start, "window_end": end, "deadline": reporting_period.deadline},
    )
    _refuse_resubmission(report, unit)  # again, under the row's lock: a second submission may have come first
    from_state = report.state
    now = timezone.now()
    report.window_start, report.window_end, report.deadline = start, end, reporting_period.deadline
    report.difficulties, report.proposals = (difficulties or "").strip(), (proposals or "").strip()
    report.results = results_snapshot(unit=unit, period=reporting_period)
    report.state = ReportState.SUBMITTED
    report.submitted_by, report.submitted_at = user, now
    report.first_submitted_at = report.first_submitted_at or now
    report.decided_by, report.decided_at, report.comment = None, None, ""
    _save_report(report, user)
    _record_event(report=report, user=user, action=ReportAction.SUBMIT, from_state=from_state)
    return report


def _require_reviewer(user: User) -> None:
    if not (user.is_authenticated and user.is_reviewer):
        raise PermissionDenied(_("Only reviewers approve or return period reports."))


def _require_state(report: PeriodReport, state: str) -> None:
    if report.state != state:
        raise ValidationError(
            _("The report is %(state)s; this needs a report that is %(expected)s.")
            % {"state": report.get_state_display().lower(), "expected": ReportState(state).label.lower()}
        )


# What a decision tells the submitter (each has its colour on the pages).
DECISION_KINDS = {ReportAction.APPROVE: NotificationKind.APPROVED, ReportAction.RETURN: NotificationKind.RETURNED,
                  ReportAction.REOPEN: NotificationKind.REOPENED}


def _notify_submitter(report: PeriodReport, event: PeriodReportEvent, message: str) -> None:
    if report.submitted_by_id:
        notification_create(
            user=report.submitted_by, key=f"report-event:{event.pk}", message=message, url=f"/reports/{report.pk}/",
            kind=DECISION_KINDS.get(event.action, NotificationKind.OTHER),
        )


def report_approve_check(*, user: User, report: PeriodReport) -> None:
    """Raise what `report_approve` would refuse, writing nothing (the page asks for confirmation first)."""
    _require_reviewer(user)
    _require_state(report, ReportState.SUBMITTED)


@transaction.atomic
def report_approve(*, user: User, report: PeriodReport, comment: str = "") -> PeriodReport:
    """Approve a submitted report; from now on its window (the year to date) is locked for the unit's whole subtree."""
    _require_reviewer(user)
    report = PeriodReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _require_state(report, ReportState.SUBMITTED)
    report.state = ReportState.APPROVED
    report.decided_by, report.decided_at, report.comment = user, timezone.now(), (comment or "").strip()
    _save_report(report, user)
    event = _record_event(report=report, user=user, action=ReportAction.APPROVE, from_state=ReportState.SUBMITTED,
                          comment=report.comment)
    _notify_submitter(report, event, _("The %(period)s report of %(unit)s was approved.") % {
        "period": report.period_name, "unit": report.unit.name})
    return report


@transaction.atomic
def report_return(*, user: User, report: PeriodReport, comment: str) -> PeriodReport:
    """Send a submitted report back to the locality; the comment says what to correct."""
    _require_reviewer(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report = PeriodReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _require_state(report, ReportState.SUBMITTED)
    report.state = ReportState.RETURNED
    report.decided_by, report.decided_at, report.comment = user, timezone.now(), comment
    _save_report(report, user)
    event = _record_event(report=report, user=user, action=ReportAction.RETURN, from_state=ReportState.SUBMITTED,
                          comment=comment)
    _notify_submitter(report, event, _("The %(period)s report of %(unit)s was returned: %(comment)s") % {
        "period": report.period_name, "unit": report.unit.name, "comment": comment})
    return report


@transaction.atomic
def report_reopen(*, user: User, report: PeriodReport, reason: str) -> PeriodReport:
    """An administrator reopens an approved report (unlocking its records); the reason goes in the audit trail."""
    if not (user.is_authenticated and user.is_administrator):
        raise PermissionDenied(_("Only administrators reopen approved reports."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the report.")})
    report = PeriodReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _require_state(report, ReportState.APPROVED)
    report.state = ReportState.DRAFT
    report.comment = reason
    _save_report(report, user, reason=reason)
    event = _record_event(report=report, user=user, action=ReportAction.REOPEN, from_state=ReportState.APPROVED,
                          comment=reason)
    _notify_submitter(report, event, _("The %(period)s report of %(unit)s was reopened: %(reason)s") % {
        "period": report.period_name, "unit": report.unit.name, "reason": reason})
    return report


# --- exports -----------------------------------------------------------------------------------------------

def export_request(*, user: User | None, unit: Unit, period: ReportingPeriod, format: str,
                   scheduled: bool = False, language: str | None = None) -> ReportExport:
    """Create a pending export and queue its generation once the transaction commits."""
    if user is not None and not Unit.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You can only export reports of your own unit and the units below it.")})
    if format not in ExportFormat.values:
        raise ValidationError({"format": _("Choose one of: %(formats)s.") % {"formats": ", ".join(ExportFormat.values)}})
    export = ReportExport(
        unit=unit, year=period.year, period=period.code, format=format, scheduled=scheduled,
        requested_by=user, task_id=str(uuid.uuid4()), language=(language or settings.LANGUAGE_CODE)[:8],
    )
    export.full_clean(validate_constraints=False)
    export.save()
    _queue_export(export)
    return export


def _queue_export(export: ReportExport) -> None:
    transaction.on_commit(lambda: _publish_export(export))


def _publish_export(export: ReportExport) -> None:
    """Queue the export's generation. When the broker cannot be reached a requested export fails, saying why, and
    QueueUnavailable tells the caller (503); a scheduled one stays pending for the sweep to queue again."""
    from .tasks import export_generate

    try:
        task_publish(export_generate, args=[export.pk], task_id=export.task_id)
    except QueueUnavailable as error:
        if export.scheduled:
            return
        ReportExport.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(),
            error=_("The export could not be queued (%(error)s); please try again later.") % {"error": error.cause or error},
        )
        raise


def exports_sweep_stuck(*, now) -> dict[str, list[int]]:
    """Requeue the exports no worker took, fail those whose worker was lost (reform/sweep.py)."""
    from .tasks import export_generate

    return QueuedWork(
        label="export", model=ReportExport, task=export_generate, pending=ExportStatus.PENDING,
        running=ExportStatus.RUNNING, failed=ExportStatus.FAILED, reason_field="error",
    ).sweep(now=now)


def export_schedule(*, unit: Unit, period: ReportingPeriod, format: str) -> ReportExport | None:
    """Create the scheduled export unless it exists (the unique constraint settles races); None if it did."""
    if ReportExport.objects.filter(unit=unit, year=period.year, period=period.code, format=format, scheduled=True).exists():
        return None
    try:
        with transaction.atomic():
            export = ReportExport.objects.create(
                unit=unit, year=period.year, period=period.code, format=format, scheduled=True,
                task_id=str(uuid.uuid4()),
            )
    except IntegrityError:
        return None
    _queue_export(export)
    return export


def export_given_up(export_id: int, *, reason: str) -> None:
    """The export's task was delivered too often (each run lost its worker): it fails for good, saying why."""
    ReportExport.objects.filter(pk=export_id).exclude(status=ExportStatus.READY).update(
        status=ExportStatus.FAILED, error=reason, finished_at=timezone.now())


def export_generate(*, export: ReportExport, progress=None) -> ReportExport:
    """Build the file of an export (called by the task); a failure is recorded on the export, then raised."""
    from django.core.files.base import ContentFile

    from . import selectors
    from .exports import render

    export.status, export.done, export.total, export.error = ExportStatus.RUNNING, 0, 0, ""
    export.started_at = timezone.now()
    export.save(update_fields=["status", "done", "total", "error", "started_at"])

    def step(done: int, total: int) -> None:
        export.done, export.total = done, total
        export.save(update_fields=["done", "total"])
        if progress is not None:
            progress(done, total)

    try:
        period = ReportingPeriod(year=export.year, code=export.period)
        data = selectors.export_data(unit=export.unit, period=period)
        content = render(export.format, data, progress=step)
        name = f"{export.unit.code}_{period}_{export.pk}.{export.format}"
        if export.file:
            export.file.delete(save=False)
        export.file.save(name, ContentFile(content), save=False)
    except Exception as error:
        export.status, export.error, export.finished_at = ExportStatus.FAILED, f"{type(error).__name__}: {error}", timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        raise
    export.status, export.finished_at = ExportStatus.READY, timezone.now()
    export.done = export.total = max(export.total, 1)
    export.save(update_fields=["file", "status", "finished_at", "done", "total"])
    return export


# --- notifications ------------------------------------------------------------------------------------------

def notification_create(*, user: User, key: str, message: str, url: str = "",
                        kind: str = NotificationKind.OTHER) -> Notification | None:
    """One notification per user and key: a second call with the same key creates nothing (returns None)."""
    try:
        with transaction.atomic():
            return Notification.objects.create(user=user, key=key, kind=kind, message=message, url=url)
    except IntegrityError:
        return None


def notification_mark_read(*, user: User, notification_id: int) -> None:
    Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(read_at=timezone.now())


def reminders_send(*, today=None) -> int:
    """Remind the entry officers of every locality that has not submitted a report due in the next N days.

    Once per officer and period: the notification's key makes it idempotent, and the e-mail goes out
    only with a newly created notification.
    """
    from . import selectors

    today = today or timezone.localdate()
    sent = 0
    for period, unit, officers in selectors.reminders_due(today=today):
        message = _("The %(period)s report of %(unit)s is due by %(deadline)s and has not been submitted yet.") % {
            "period": period.label, "unit": unit.name,
            "deadline": formatting.date(period.deadline)}
        url = f"/reports/submit/?period={period}"
        for officer in officers:
            notification = notification_create(
                user=officer, key=f"reminder:{unit.pk}:{period}", message=message, url=url,
                kind=NotificationKind.REMINDER,
            )
            if notification is None:
                continue
            sent += 1
            if officer.email:
                send_mail(
                    subject=_("Reminder: %(period)s report of %(unit)s") % {"period": period.label, "unit": unit.name},
                    message=message, from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
                    recipient_list=[officer.email], fail_silently=False,
                )
                notification.emailed_at = timezone.now()
                notification.save(update_fields=["emailed_at"])
    return sent


def exports_generate_due(*, today=None) -> list[ReportExport]:
    """Create (and queue) the scheduled exports of every closed period past its delay: nation and provinces."""
    from . import selectors

    today = today or timezone.localdate()
    created = []
    for period in selectors.periods_due_for_export(today=today):
        for unit in selectors.scheduled_export_units():
            for format in ExportFormat.values:
                export = export_schedule(unit=unit, period=period, format=format)
                if export is not None:
                    created.append(export)
    return created
