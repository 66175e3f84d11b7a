"""CSV for machines: one row per unit and target, with the API's field names and values (fractions, 4 decimals).

The unit is given by its code first (`unit_code`, as uploads give it), never by the database id: an id means
nothing to the person who opens the file, nor to another system's database.

`provisional` is true for a figure whose period had not ended when it was computed (judged on 1 January to
`window_end`); it becomes false once the period has ended and been recomputed."""
from __future__ import annotations

import csv
import io

from . import safe_text

FIELDS = ["unit_code", "unit_name", "report_period", "year", "period", "target", "status", "value",
          "threshold", "numerator", "denominator", "baseline", "computed_at", "provisional", "window_end"]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def render(data, *, progress) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    total = len(data.rows)
    for index, row in enumerate(data.rows, start=1):
        # Names and codes are typed by people: never a formula when a spreadsheet opens the file (safe_text).
        writer.writerow([safe_text(row["unit_code"]), safe_text(row["unit_name"]), str(data.period)]
                        + [_cell(row[name]) for name in FIELDS[3:]])
        if index % 5000 == 0:
            progress(index, total)
    progress(total, total)
    return buffer.getvalue().encode("utf-8")
