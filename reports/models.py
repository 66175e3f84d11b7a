"""Period reports (submission, approval, locking), their history, generated exports and in-app notifications."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.models import Unit

from .choices import ExportFormat, ExportStatus, NotificationKind, PeriodCode, ReportAction, ReportState
from .querysets import PeriodReportQuerySet, ReportExportQuerySet


class PeriodReport(models.Model):
    """A locality's report for one period: the computed results frozen at submission plus a narrative.

    The window is what approval locks: the year to date, as the report's figures are (1 January, or
    15 December under Decree 09, to the period's end). It is stored when the report is submitted so
    that locking is one indexed query, and refreshed at every submission (a change of
    REPORTING_WINDOWS applies from the next one).
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="period_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=PeriodCode.choices)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("window end"))
    deadline = models.DateField(_("deadline"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    results = models.JSONField(_("results at submission"), default=dict, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PeriodReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-window_end", "unit__path"]
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period"], name="one_period_report_per_unit_period"),
            models.CheckConstraint(condition=Q(window_start__lte=models.F("window_end")), name="period_report_window_ordered"),
        ]
        indexes = [models.Index(fields=["state", "window_start", "window_end"])]

    def __str__(self) -> str:
        return f"{self.period_name} – {self.unit.name}"

    @property
    def period_label(self) -> str:
        """The period's code, as the API and file names write it: `2026-Q3`, `2026`."""
        return str(self.year) if self.period == PeriodCode.YEAR else f"{self.year}-{self.period}"

    @property
    def period_name(self) -> str:
        """The period as people read it, in the active language: "Quý III 2026", "Năm 2025"."""
        return self.reporting_period.label

    @property
    def reporting_period(self):
        from .periods import ReportingPeriod

        return ReportingPeriod(year=self.year, code=self.period)

    @property
    def is_locked(self) -> bool:
        return self.state == ReportState.APPROVED


class PeriodReportEvent(models.Model):
    """One step of a report's life: who moved it from which state to which, when, and why."""

    report = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=ReportAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    from_state = models.CharField(_("from"), max_length=16, choices=ReportState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=ReportState.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("period report event")
        verbose_name_plural = _("period report events")

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


def export_upload_to(instance: "ReportExport", filename: str) -> str:
    return f"reports/{instance.year}/{filename}"


class ReportExport(models.Model):
    """A generated report file (XLSX, PDF or CSV) for a unit's subtree and a period, kept for download."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="report_exports")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=PeriodCode.choices)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=255)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    scheduled = models.BooleanField(_("scheduled"), default=False)
    language = models.CharField(_("language"), max_length=8, default="vi")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued again at"), null=True, blank=True,
                                     help_text=_("When the sweep last queued it again (no worker had taken it)."))
    requeued = models.PositiveSmallIntegerField(_("times queued again"), default=0)

    objects = ReportExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        constraints = [
            # The scheduler may run any number of times: one scheduled file per unit, period and format.
            models.UniqueConstraint(
                fields=["unit", "year", "period", "format"], condition=Q(scheduled=True),
                name="one_scheduled_export_per_unit_period_format",
            ),
        ]
        indexes = [models.Index(fields=["year", "period", "scheduled"])]

    def __str__(self) -> str:
        return f"{self.unit.code} – {self.period_name} ({self.get_format_display()})"

    @property
    def period_label(self) -> str:
        """The period's code, as the API and file names write it: `2026-Q3`, `2026`."""
        return str(self.year) if self.period == PeriodCode.YEAR else f"{self.year}-{self.period}"

    @property
    def period_name(self) -> str:
        """The period as people read it, in the active language: "Quý III 2026", "Năm 2025"."""
        from .periods import ReportingPeriod

        return ReportingPeriod(year=self.year, code=self.period).label

    @property
    def progress(self) -> float:
        if self.status == ExportStatus.READY:
            return 1.0
        return round(self.done / self.total, 4) if self.total else 0.0


class Notification(models.Model):
    """An in-app message to one user; `key` makes a reminder idempotent (one per user and key)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(_("key"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices, default=NotificationKind.OTHER)
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_user_key")]

    def __str__(self) -> str:
        return self.message[:60]
