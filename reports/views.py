"""Pages of period reports: submit, review, reopen, the export archive, the reporting rate, notifications."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reform.mixins import attach_errors, scoped_object
from reform.queueing import QueueUnavailable
from reform.models import Unit
from reform.querysets import scoped_queryset
from reform.models import Target
from reporting.provisional import standing_of
from reporting.signals import signals_for_report

from . import selectors, services
from .choices import ReportState
from .exports import MEDIA_TYPES, format_count, format_value, status_label
from .forms import DecisionForm, ExportForm, RateForm, ReopenForm, SubmitForm
from .locking import lock_reason
from .models import PeriodReport, PeriodReportEvent, ReportExport

REPORT_JOINS = ("unit", "submitted_by", "decided_by")


def _reports(user):
    """The period reports the user may see (their subtree's; every report for reviewers and administrators)."""
    return scoped_queryset(PeriodReport, user).select_related(*REPORT_JOINS)


def _with_events(reports):
    return reports.prefetch_related(Prefetch("events", queryset=PeriodReportEvent.objects.select_related("actor")))


# A report's page and its workflow steps: the report of the URL, if the user may see it (else a 404).
report_page = scoped_object(PeriodReport, select_related=REPORT_JOINS, narrow=_with_events)


@login_required
def index(request):
    user = request.user
    today = timezone.localdate()
    context = {"today": today}
    if user.is_entry_officer and user.unit.is_locality:
        existing = {(r.year, r.period): r for r in _reports(user).filter(unit=user.unit)}
        context["periods"] = [
            {"period": period, "report": existing.get((period.year, period.code))}
            for period in selectors.submittable_periods(today=today)
        ]
    context["reports"] = _reports(user)[:50]
    if user.sees_everything:
        context["queue"] = selectors.review_queue()
    return render(request, "reports/index.html", context)


def _figures(summary: list[dict]) -> dict:
    """The figures a report carries, as the pages show them: per target, and whether any is provisional."""
    computed = [parse_datetime(at) if isinstance(at, str) else at for row in summary if (at := row.get("computed_at"))]
    return {"summary": _summary_for_people(summary), "standing": standing_of(summary),
            "computed_at": max(computed) if computed else None}


@login_required
def submit(request):
    """Two steps: the form, then a preview of the figures the report will carry, which asks for confirmation (and,
    for a report with no record in its window, for a second one); nothing is written before it."""
    user = request.user
    if not (user.is_entry_officer and user.unit.is_locality):
        raise PermissionDenied(_("Only a locality's entry officers submit its period reports."))
    periods = selectors.submittable_periods(today=timezone.localdate())
    initial = {"period": request.GET.get("period") or (str(periods[0]) if periods else "")}
    form = SubmitForm(request.POST or None, periods=periods, initial=initial)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            services.report_submit_check(user=user, unit=user.unit, year=period.year, period=period.code)
        except ValidationError as error:
            attach_errors(form, error)
            return render(request, "reports/submit.html", {"form": form, "unit": user.unit})
        records = selectors.records_in_window(unit=user.unit, window=period.to_date_window)
        empty = records["total"] == 0
        confirmed = request.POST.get("confirm") == "1"
        if not confirmed or (empty and not request.POST.get("confirm_empty")):
            return render(request, "reports/submit_confirm.html", {
                "form": form, "unit": user.unit, "period": period, "window": period.to_date_window,
                "note": period.engine_period_note, "records": records, "empty": empty,
                "empty_unconfirmed": confirmed and empty,
                **_figures(selectors.summary(unit=user.unit, period=period)),
            })
        try:
            report = services.report_submit(
                user=user, unit=user.unit, year=period.year, period=period.code,
                difficulties=form.cleaned_data["difficulties"], proposals=form.cleaned_data["proposals"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The %(period)s report was submitted.") % {"period": report.period_name})
            return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))
    return render(request, "reports/submit.html", {"form": form, "unit": user.unit})


def _summary_for_people(summary: list[dict]) -> list[dict]:
    """The frozen per-target figures of a report as the reader reads them: the target's name, the status and the
    value in the reader's language (the snapshot keeps codes and fractions, as the API gives them)."""
    names = {target.code: target.name for target in Target.objects.all()}
    return [{**row, "name": names.get(row["target"], row.get("name", "")),
             "status_text": status_label(row["status"]) if row.get("status") else "—",
             "value_text": format_value(row.get("value"), row.get("comparison", "")),
             **{f"{key}_text": format_count(row.get(key)) for key in ("met", "missed", "units")}}
            for row in summary]


@report_page
def detail(request, report: PeriodReport):
    summary = report.results.get("summary", [])
    return render(request, "reports/detail.html", {
        "report": report, "events": report.events.all(), "summary": _summary_for_people(summary),
        "figures_note": report.reporting_period.engine_period_note,
        # Figures frozen while their period had not ended (computed before its end) stay marked provisional.
        "standing": standing_of(summary),
        "decision_form": DecisionForm(), "reopen_form": ReopenForm(),
        # The integrity signals of the unit's subtree for the year, open ones first: seen before approving.
        "signals": signals_for_report(unit=report.unit, year=report.year),
        "can_review": request.user.is_reviewer and report.state == ReportState.SUBMITTED,
        "can_reopen": request.user.is_administrator and report.state == ReportState.APPROVED,
        "can_resubmit": request.user.is_entry_officer and request.user.unit_id == report.unit_id
        and report.state in (ReportState.DRAFT, ReportState.RETURNED),
        "lock_reason": lock_reason(report) if report.state == ReportState.APPROVED else "",
    })


def _decide(request, report: PeriodReport, action: str):
    form = ReopenForm(request.POST) if action == "reopen" else DecisionForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("reason" if action == "reopen" else "comment", "")
    try:
        if action == "approve":
            services.report_approve(user=request.user, report=report, comment=text)
            messages.success(request, _("The report was approved; its period is now locked."))
        elif action == "return":
            services.report_return(user=request.user, report=report, comment=text)
            messages.success(request, _("The report was returned to the locality."))
        else:
            services.report_reopen(user=request.user, report=report, reason=text)
            messages.success(request, _("The report was reopened; its period is unlocked."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))


@login_required
@report_page
def approve(request, report: PeriodReport):
    """A preview of what is approved (the report's figures, the window and units it locks) that asks for
    confirmation; only the confirmed POST approves."""
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return _decide(request, report, "approve")
    try:
        services.report_approve_check(user=request.user, report=report)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))
    return render(request, "reports/approve_confirm.html", {
        "report": report, "decision_form": DecisionForm(request.POST or None),
        "records": selectors.records_in_window(unit=report.unit, window=(report.window_start, report.window_end),
                                               lineage=False),
        "signals": [row for row in signals_for_report(unit=report.unit, year=report.year) if row.get("open")],
        **_figures(report.results.get("summary", [])),
    })


@login_required
@require_POST
@report_page
def return_(request, report: PeriodReport):
    return _decide(request, report, "return")


@login_required
@require_POST
@report_page
def reopen(request, report: PeriodReport):
    return _decide(request, report, "reopen")


@login_required
def archive(request):
    user = request.user
    form = ExportForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            export = services.export_request(
                user=user, unit=form.cleaned_data["unit"], period=form.cleaned_data["period"],
                format=form.cleaned_data["format"], language=getattr(request, "LANGUAGE_CODE", None),
            )
        except ValidationError as error:
            attach_errors(form, error)
        except QueueUnavailable as error:  # the export is kept, marked failed with the reason (listed below)
            messages.error(request, str(error))
            status = 503
        else:
            messages.success(request, _("The %(format)s report for %(period)s is being generated.") % {
                "format": export.get_format_display(), "period": export.period_name})
            return HttpResponseRedirect(reverse("reports:archive"))
    exports = scoped_queryset(ReportExport, user).select_related("unit", "requested_by")
    scheduled = request.GET.get("scheduled")
    if scheduled in ("true", "false"):
        exports = exports.filter(scheduled=scheduled == "true")
    return render(request, "reports/archive.html", {"form": form, "exports": exports[:200]}, status=status)


@scoped_object(ReportExport, select_related=("unit",))
def export_download(request, export: ReportExport):
    if not export.file:
        raise Http404(_("This report is not ready."))
    filename = f"bao-cao_{export.unit.code}_{export.period_label}.{export.format}"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename,
                        content_type=MEDIA_TYPES[export.format])


@login_required
def rate(request):
    user = request.user
    if not user.sees_everything:
        raise PermissionDenied(_("The reporting rate is for reviewers."))
    today = timezone.localdate()
    periods = selectors.submittable_periods(today=today)
    params = request.GET.copy()
    params.setdefault("period", str(periods[0]) if periods else str(today.year))
    form = RateForm(params)
    table = None
    if form.is_valid():
        code = (form.cleaned_data.get("unit") or "").strip()
        units = scoped_queryset(Unit, user)
        unit = units.filter(code=code).first() if code else units.filter(parent__isnull=True).first()
        if unit is None:
            form.add_error("unit", _("No unit with the code “%(code)s”.") % {"code": code})
        else:
            table = selectors.reporting_rate(unit=unit, period=form.cleaned_data["period"])
    return render(request, "reports/rate.html", {
        "form": form, "table": table, "periods": periods,
        "provinces": Unit.objects.current().filter(level="provincial", kind="locality").order_by("code"),
    })


@login_required
@require_POST
def notification_read(request, pk: int):
    services.notification_mark_read(user=request.user, notification_id=pk)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("home")
    return HttpResponseRedirect(target)


