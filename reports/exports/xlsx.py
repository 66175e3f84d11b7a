"""The XLSX report: a summary sheet, one sheet per target group (2.1, 2.2, 2.3) and the reporting rate."""
from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reform.choices import Level
from reports.choices import Timeliness

from . import (figures_note, is_count, provisional_mark, provisional_note, safe_text, short_date, short_datetime,
               status_label, target_names, title)

PERCENT = "0.00%"
THOUSANDS = "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
PROVISIONAL_FILL = PatternFill("solid", fgColor="FFF5DB")
PROVISIONAL_FONT = Font(bold=True, color="7A5200")
BOLD = Font(bold=True)


SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str) -> str:
    """A sheet's name as Excel takes it: none of []:*?/\\, at most 31 characters, and a longer one cut at a word
    with an ellipsis ("2.3 Công nghệ thông tin và…"), never inside one; the sheet's first cell keeps the whole title."""
    text = " ".join(_SHEET_NAME_FORBIDDEN.sub(" ", str(text)).split()).strip("'")
    if len(text) <= SHEET_NAME_MAX:
        return text
    cut = text[: SHEET_NAME_MAX - 1]
    if text[SHEET_NAME_MAX - 1] != " " and " " in cut:  # the cut falls inside a word: drop that word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;.-–—'") + "…"


def _value_format(comparison: str) -> str:
    return THOUSANDS if is_count(comparison) else PERCENT


def _num(value):
    return float(value) if value is not None else None


def _header(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


SUMMARY_WIDTHS = [8, 24, 48, 12, 10, 10, 12, 10, 14, 10, 16, 14, 14, 14, 14, 24]


def _summary_table(sheet, start_row: int, rows: list[dict]) -> int:
    _header(sheet, start_row, [
        _("Clause"), _("Target"), _("Name"), _("Threshold"), _("Met"), _("Missed"), _("No baseline"), _("No data"),
        _("Not applicable"), _("Units"), _("Aggregate status"), _("Aggregate value"), _("Numerator"),
        _("Denominator"), _("Baseline"), _("Provisional"),
    ])
    row_number = start_row
    names = target_names()
    for row in rows:
        row_number += 1
        values = [row["clause"], names.get(row["target"], row["target"]), row["name"], _num(row["threshold"]),
                  row["met"], row["missed"],
                  row["no_baseline"], row["no_data"], row["not_applicable"], row["units"], status_label(row["status"]),
                  _num(row["value"]), row["numerator"], row["denominator"], row["baseline"], provisional_mark(row)]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row_number, column=column, value=value)
        _mark_provisional(sheet.cell(row=row_number, column=len(values)))
        sheet.cell(row=row_number, column=4).number_format = _value_format(row["comparison"])
        sheet.cell(row=row_number, column=12).number_format = _value_format(row["comparison"])
        for column in (5, 6, 7, 8, 9, 10, 13, 14, 15):
            sheet.cell(row=row_number, column=column).number_format = THOUSANDS
    return row_number


def _mark_provisional(cell) -> None:
    if cell.value:
        cell.font, cell.fill = PROVISIONAL_FONT, PROVISIONAL_FILL


def _meta(sheet, data) -> int:
    start, end = data.period.window
    sheet["A1"] = title(data)
    sheet["A1"].font = Font(bold=True, size=14)
    lines = [
        (_("Unit"), f"{data.unit.code} – {data.unit.name}"),
        (_("Period"), f"{data.period.label} ({short_date(start)} – {short_date(end)})"),
        (_("Figures"), figures_note(data)),
        (_("Generated at"), short_datetime(data.generated_at)),
    ]
    if data.report is not None:
        lines.append((_("Report state"), data.report.get_state_display()))
    note = provisional_note(data)
    if note:
        lines.append((_("Provisional"), note))
    for offset, (label, value) in enumerate(lines, start=3):
        sheet.cell(row=offset, column=1, value=label).font = BOLD
        sheet.cell(row=offset, column=2, value=value)
    if note:
        _mark_provisional(sheet.cell(row=2 + len(lines), column=2))
    return 3 + len(lines)


def _summary_sheet(workbook: Workbook, data) -> None:
    sheet = workbook.active
    sheet.title = sheet_name(_("Summary"))
    header_row = _meta(sheet, data) + 1
    row = _summary_table(sheet, header_row, data.summary)
    if data.report is not None and (data.report.difficulties or data.report.proposals):
        row += 2
        for label, text in ((_("Difficulties"), data.report.difficulties), (_("Proposals"), data.report.proposals)):
            sheet.cell(row=row, column=1, value=label).font = BOLD
            sheet.cell(row=row, column=2, value=text).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    _widths(sheet, SUMMARY_WIDTHS)
    sheet.freeze_panes = f"A{header_row + 1}"  # the header row stays in view


def _group_sheet(workbook: Workbook, data, group: str, rows: list[dict]) -> None:
    sheet = workbook.create_sheet(sheet_name(f"{group} {data.group_titles.get(group, '')}"))
    sheet["A1"] = f"{_('Clause')} {group}: {data.group_titles.get(group, '')}"
    sheet["A1"].font = Font(bold=True, size=13)
    row_number = _summary_table(sheet, 3, rows) + 2
    codes = {row["target"]: row for row in rows}
    sheet.cell(row=row_number, column=1, value=_("Results of each unit")).font = BOLD
    row_number += 1
    _header(sheet, row_number, [
        _("Unit code"), _("Unit"), _("Level"), _("Target"), _("Clause"), _("Status"), _("Value"), _("Threshold"),
        _("Numerator"), _("Denominator"), _("Baseline"), _("Provisional"),
    ])
    levels = dict(Level.choices)
    names = target_names()
    for result in data.rows:
        target = codes.get(result["target"])
        if target is None:
            continue
        row_number += 1
        values = [result["unit_code"], result["unit_name"], str(levels.get(result["unit_level"], result["unit_level"])),
                  names.get(result["target"], result["target"]), target["clause"], status_label(result["status"]),
                  _num(result["value"]),
                  _num(result["threshold"]), result["numerator"], result["denominator"], result["baseline"],
                  provisional_mark(result)]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row_number, column=column, value=value)
        _mark_provisional(sheet.cell(row=row_number, column=len(values)))
        value_format = _value_format(target["comparison"])
        sheet.cell(row=row_number, column=7).number_format = value_format
        sheet.cell(row=row_number, column=8).number_format = value_format
        for column in (9, 10, 11):
            sheet.cell(row=row_number, column=column).number_format = THOUSANDS
    _widths(sheet, [10, 36, 12, 24, 8, 14, 12, 12, 12, 12, 12, 24, 14, 14, 14, 24])
    sheet.freeze_panes = "A4"


def _rate_sheet(workbook: Workbook, data) -> None:
    rate = data.rate
    sheet = workbook.create_sheet(sheet_name(_("Reporting rate")))
    sheet["A1"] = _("Reporting rate and timeliness: %(period)s") % {"period": data.period.label}
    sheet["A1"].font = Font(bold=True, size=13)
    figures = [
        (_("Deadline"), short_date(rate["deadline"])), (_("Expected"), rate["expected"]),
        (_("Submitted"), rate["submitted"]), (_("On time"), rate["on_time"]), (_("Late"), rate["late"]),
        (_("Not submitted"), rate["missing"]), (_("Reporting rate"), _num(rate["rate"])),
        (_("On-time rate"), _num(rate["on_time_rate"])),
    ]
    for offset, (label, value) in enumerate(figures, start=3):
        sheet.cell(row=offset, column=1, value=label).font = BOLD
        cell = sheet.cell(row=offset, column=2, value=value)
        if label in (_("Reporting rate"), _("On-time rate")):
            cell.number_format = PERCENT
    row_number = 3 + len(figures) + 1
    _header(sheet, row_number, [_("Unit code"), _("Unit"), _("Report state"), _("Submitted on"), _("Timeliness"),
                                _("Days late")])
    for item in rate["rows"]:
        row_number += 1
        report = item["report"]
        values = [item["unit"].code, item["unit"].name, report.get_state_display() if report else "—",
                  item["submitted_on"], str(Timeliness(item["timeliness"]).label), item["days_late"]]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if column == 4 and value:
                cell.number_format = "DD/MM/YYYY"
    _widths(sheet, [16, 36, 14, 14, 16, 10])


def _strings_stay_strings(workbook: Workbook) -> None:
    """Every text cell is a string, never a formula: openpyxl makes a value starting with "=" a formula
    (`data_type="f"`), so a proposal, a unit name or a conference title typed as `=HYPERLINK(...)` would be live
    in the file. Text that a spreadsheet could still take for one is neutralised too (safe_text)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = safe_text(cell.value)
                    cell.data_type = "s"


def _signals_sheet(workbook: Workbook, data) -> None:
    """The integrity signals of the subtree with their reviews (state and comment): open ones first."""
    sheet = workbook.create_sheet(sheet_name(_("Integrity signals")))
    labels = [_("Unit code"), _("Unit"), _("Signal"), _("Severity"), _("Message"), _("Review"), _("Review comment")]
    _header(sheet, 1, labels)
    for row_number, row in enumerate(data.signals, start=2):
        for column, key in enumerate(("unit_code", "unit_name", "kind", "severity", "message", "review_state",
                                      "review_comment"), start=1):
            sheet.cell(row=row_number, column=column, value=str(row[key]))
    _widths(sheet, [10, 30, 22, 12, 60, 14, 40])


def render(data, *, progress) -> bytes:
    workbook = Workbook()
    groups = [(group, rows) for group, rows in data.groups.items() if rows]
    total = 2 + len(groups)
    _summary_sheet(workbook, data)
    progress(1, total)
    for index, (group, rows) in enumerate(groups, start=2):
        _group_sheet(workbook, data, group, rows)
        progress(index, total)
    if getattr(data, "signals", None):
        _signals_sheet(workbook, data)
    _rate_sheet(workbook, data)
    _strings_stay_strings(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    progress(total, total)
    return buffer.getvalue()
