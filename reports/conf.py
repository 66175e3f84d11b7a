"""Settings of period reports: a Django setting if defined, else the environment variable, else the default."""
from __future__ import annotations

import os

from django.conf import settings

DEFAULTS = {
    "REPORT_DEADLINE_DAYS": 10,  # a report is due this many days after its period closes
    "REPORT_REMINDER_DAYS": 5,  # reminders go out this many days before the deadline
    "REPORT_EXPORT_DELAY_DAYS": 5,  # scheduled exports are generated this many days after the close
}


def setting_int(name: str) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, DEFAULTS[name])
    return int(value)


def report_periods() -> list[str]:
    """The periods localities report on and exports are scheduled for (REPORT_PERIODS, comma-separated)."""
    value = getattr(settings, "REPORT_PERIODS", None) or os.environ.get("REPORT_PERIODS") or "Q1,Q2,Q3,Q4,H1,Y"
    if isinstance(value, str):
        value = [part.strip().upper() for part in value.split(",") if part.strip()]
    return list(value)
