"""Pages of period reports: submit, review, reopen, the export archive, the reporting rate, notifications."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reform.mixins import attach_errors
from reform.queueing import QueueUnavailable
from reform.models import Unit
from reporting.provisional import standing_of
from reporting.signals import signals_for_report

from . import selectors, services
from .choices import ReportState
from .forms import DecisionForm, ExportForm, RateForm, ReopenForm, SubmitForm
from .models import PeriodReportEvent


def _report_or_404(user, pk: int):
    return get_object_or_404(
        selectors.reports_visible_to(user).prefetch_related(
            Prefetch("events", queryset=PeriodReportEvent.objects.select_related("actor"))
        ),
        pk=pk,
    )


@login_required
def index(request):
    user = request.user
    today = timezone.localdate()
    context = {"today": today}
    if user.is_entry_officer and user.unit.is_locality:
        context["periods"] = selectors.own_periods(unit=user.unit, today=today)
    context["reports"] = selectors.reports_visible_to(user)[:50]
    if user.sees_everything:
        context["queue"] = selectors.review_queue()
    return render(request, "reports/index.html", context)


@login_required
def submit(request):
    user = request.user
    if not (user.is_entry_officer and user.unit.is_locality):
        raise PermissionDenied(_("Only a locality's entry officers submit its period reports."))
    periods = selectors.submittable_periods(today=timezone.localdate())
    initial = {"period": request.GET.get("period") or (str(periods[0]) if periods else "")}
    form = SubmitForm(request.POST or None, periods=periods, initial=initial)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            report = services.report_submit(
                user=user, unit=user.unit, year=period.year, period=period.code,
                difficulties=form.cleaned_data["difficulties"], proposals=form.cleaned_data["proposals"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The %(period)s report was submitted.") % {"period": report.period_label})
            return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))
    return render(request, "reports/submit.html", {"form": form, "unit": user.unit})


@login_required
def detail(request, pk: int):
    report = _report_or_404(request.user, pk)
    summary = report.results.get("summary", [])
    return render(request, "reports/detail.html", {
        "report": report, "events": report.events.all(), "summary": summary,
        # Figures frozen while their period had not ended (computed before its end) stay marked provisional.
        "standing": standing_of(summary),
        "decision_form": DecisionForm(), "reopen_form": ReopenForm(),
        # The integrity signals of the unit's subtree for the year, open ones first: seen before approving.
        "signals": signals_for_report(unit=report.unit, year=report.year),
        "can_review": request.user.is_reviewer and report.state == ReportState.SUBMITTED,
        "can_reopen": request.user.is_administrator and report.state == ReportState.APPROVED,
        "can_resubmit": request.user.is_entry_officer and request.user.unit_id == report.unit_id
        and report.state in (ReportState.DRAFT, ReportState.RETURNED),
    })


def _decide(request, pk: int, action: str):
    report = _report_or_404(request.user, pk)
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
@require_POST
def approve(request, pk: int):
    return _decide(request, pk, "approve")


@login_required
@require_POST
def return_(request, pk: int):
    return _decide(request, pk, "return")


@login_required
@require_POST
def reopen(request, pk: int):
    return _decide(request, pk, "reopen")


@login_required
def archive(request):
    user = request.user
    form = ExportForm(request.POST or None, user=user, today=timezone.localdate())
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
                "format": export.get_format_display(), "period": export.period_label})
            return HttpResponseRedirect(reverse("reports:archive"))
    exports = selectors.exports_visible_to(user)
    scheduled = request.GET.get("scheduled")
    if scheduled in ("true", "false"):
        exports = exports.filter(scheduled=scheduled == "true")
    return render(request, "reports/archive.html", {"form": form, "exports": exports[:200]}, status=status)


@login_required
def export_download(request, pk: int):
    export = get_object_or_404(selectors.exports_visible_to(request.user), pk=pk)
    if not export.file:
        raise Http404(_("This report is not ready."))
    filename = f"bao-cao_{export.unit.code}_{export.period_label}.{export.format}"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)


@login_required
def rate(request):
    user = request.user
    if not user.sees_everything:
        raise PermissionDenied(_("The reporting rate is for reviewers."))
    form = RateForm(request.GET, today=timezone.localdate())
    table = None
    if form.is_valid():
        code = (form.cleaned_data.get("unit") or "").strip()
        unit = Unit.objects.filter(code=code).first() if code else Unit.objects.filter(parent__isnull=True).first()
        if unit is None:
            form.add_error("unit", _("No unit with the code “%(code)s”.") % {"code": code})
        else:
            table = selectors.reporting_rate(unit=unit, period=form.cleaned_data["period"])
    return render(request, "reports/rate.html", {
        "form": form, "table": table,
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


