"""Enumerations of period reports, exports and notifications; the strings are part of the API contract."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodCode(models.TextChoices):
    """The periods a locality reports on (Vietnamese practice: quarters, six months, nine months, year)."""

    Q1 = "Q1", _("Quarter 1")
    Q2 = "Q2", _("Quarter 2")
    Q3 = "Q3", _("Quarter 3")
    Q4 = "Q4", _("Quarter 4")
    H1 = "H1", _("First half")
    M9 = "M9", _("Nine months")
    YEAR = "Y", _("Year")


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half year")
    NINE_MONTHS = "nine_months", _("Nine months")
    YEAR = "year", _("Year")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    REOPEN = "reopen", _("Reopened")


class NotificationKind(models.TextChoices):
    """What a notification tells, so each is shown in its own colour."""

    REMINDER = "reminder", _("Reminder")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")
    OTHER = "other", _("Notice")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Not submitted")
