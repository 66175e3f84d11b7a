"""Writers of report files: the same figures (selectors.ExportData) as XLSX, PDF or CSV bytes."""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from reform import formatting
from reform.models import Target
from reform.thresholds import is_count  # caps are counts, every other target a fraction
from reporting.choices import Status
from reporting.provisional import as_date, badge_text

Progress = Callable[[int, int], None] | None

# Text a spreadsheet would take for a formula: OWASP's list for CSV injection. A minus before a number as we
# format it ("-10,00 %", a fall shown as a rise) is a figure, not a formula, and is left as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_FIGURE = re.compile(r"-[\d\s.,]+\s*%?")


def safe_text(value: str) -> str:
    """Text as a spreadsheet must show it, never run it: a leading `'` before = + - @ tab or CR (OWASP)."""
    if value and value.startswith(_FORMULA_START) and not _SIGNED_FIGURE.fullmatch(value) and value != "-":
        return "'" + value
    return value


# The media type a file of each format is served with (the system's guess has no XLSX without /etc/mime.types).
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}


def render(format: str, data, *, progress: Progress = None) -> bytes:
    from . import csv, pdf, xlsx

    writers = {"xlsx": xlsx.render, "pdf": pdf.render, "csv": csv.render}
    return writers[format](data, progress=progress or (lambda done, total: None))


def format_value(value, comparison: str) -> str:
    """A stored value for people: a percentage with two decimals, or a count; “—” when empty."""
    if value is None:
        return "—"
    if is_count(comparison):
        return formatting.number(Decimal(value), places=0)
    return f"{formatting.percent(value, places=2)} %"


def format_count(value) -> str:
    if value is None:
        return "—"
    return formatting.number(int(value), places=0)


short_date = formatting.date  # the report files' names for the core's rules (reform/formatting.py)
short_datetime = formatting.moment


def target_names() -> dict[str, str]:
    """{target code: its short name in the reader's language}, for the columns and the chart axis of the files
    (the codes are the machines' names; the full names are in the summary's Name column)."""
    from reporting.targets import short_name

    return {target.code: short_name(target) for target in Target.objects.all()}


def status_label(status: str | None) -> str:
    return str(Status(status).label) if status else _("Not computed")


def provisional_mark(row: dict) -> str:
    """A figure's mark in the files: "provisional, to 1 Dec 2026" while its period had not ended, else ""."""
    return badge_text(as_date(row.get("window_end")), with_year=True) if row.get("provisional") else ""


def provisional_note(data) -> str:
    """The note at the top of a file with provisional figures (empty when every figure is final)."""
    standing = data.standing
    return f"{standing.subtitle}. {standing.title}" if standing.provisional else ""


def figures_note(data) -> str:
    """Which window the figures cover: the period's (final), or 1 January to the day they were computed to."""
    standing = data.standing
    if standing.provisional and standing.window_end is not None:
        return _("Figures: 1 January to %(date)s; the period had not ended when they were computed.") % {
            "date": short_date(standing.window_end)}
    return data.period.engine_period_note


def title(data) -> str:
    return _("Report on Conclusion 226-KL/TW: %(unit)s, %(period)s") % {"unit": data.unit.name, "period": data.period.label}
