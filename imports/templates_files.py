"""Downloadable templates of each upload kind: CSV or XLSX, with Vietnamese or English labels.

Row 1 holds the API field names (what the importer reads), row 2 the labels in the chosen language
(the importer recognises and skips it); the XLSX template also carries a comment per column.
"""
from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .columns import schema_for


def _labels(kind: str, language: str) -> list[str]:
    return [column.vi if language == "vi" else column.en for column in schema_for(kind).columns]


def _hint(column) -> str:
    hints = {
        "code": _("text, e.g. 01 or 00004"), "str": _("text"), "bool": _("true/false, 1/0, yes/no, có/không"),
        "date": _("date, YYYY-MM-DD or DD/MM/YYYY"), "int": _("whole number"), "decimal": _("number, e.g. 0.5"),
        "choice": ", ".join(sorted({str(value) for value in column.choices.values()})),
    }
    required = _("required") if column.required else _("optional")
    return f"{hints.get(column.kind, '')} ({required})"


def template_csv(kind: str, language: str) -> bytes:
    schema = schema_for(kind)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([column.name for column in schema.columns])
    writer.writerow(_labels(kind, language))
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def template_xlsx(kind: str, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    schema = schema_for(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind[:31]
    sheet.append([column.name for column in schema.columns])
    sheet.append(_labels(kind, language))
    for index, column in enumerate(schema.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.comment = Comment(_hint(column), "reform")
        sheet.cell(row=2, column=index).fill = PatternFill("solid", fgColor="EEEEEE")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        if column.kind == "code":  # unit codes keep their leading zeros (01, 00004)
            for row in range(3, 1003):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
