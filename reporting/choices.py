"""Enumerations of the compliance engine; the status strings are part of the API contract."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    NO_BASELINE = "no_baseline", _("No baseline")
    NO_DATA = "no_data", _("No data")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Period(models.TextChoices):
    """The whole year, or a quarter to date (1 January to the end of the quarter)."""

    YEAR = "Y", _("Year")
    Q1 = "Q1", _("Q1 to date")
    Q2 = "Q2", _("Q2 to date")
    Q3 = "Q3", _("Q3 to date")
    Q4 = "Q4", _("Q4 to date")


class RunTrigger(models.TextChoices):
    """What started a compute run."""

    API = "api", _("API request")
    NIGHTLY = "nightly", _("Nightly recompute")
    RECORDS = "records", _("Records changed")
    POLICY = "policy", _("Policy changed")
    ADMIN = "admin", _("Administrator")
    COMMAND = "command", _("Command line")


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class MarkReason(models.TextChoices):
    """Why a unit-year waits for a recompute: its records changed, or a policy did (marked on the root)."""

    RECORDS = "records", _("Records changed")
    POLICY = "policy", _("Policy changed")


class SignalKind(models.TextChoices):
    """Integrity signals: patterns where the figures may not reflect what happened (reporting/signals.py)."""

    NUMBER_GAPS = "number_gaps", _("Numbering gaps")
    SHARP_DROP = "sharp_drop", _("Sharp drop")
    TYPE_SHIFT = "type_shift", _("Document-type shift")
    REGULAR_SESSION_SHIFT = "regular_session_shift", _("Regular-session shift")
    HYBRID_SHIFT = "hybrid_shift", _("Hybrid shift")
    SILENT_UNIT = "silent_unit", _("Silent unit")
    MISSING_REPORT = "missing_report", _("Missing digitisation report")
    LATE_ENTRY = "late_entry", _("Late entry")


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class ReviewState(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained")
    CONFIRMED = "confirmed", _("Confirmed")
