"""The PDF report: title, period, unit, a summary table per target with its clause, a bar chart, the reporting rate.

Fonts are the bundled DejaVu Sans (reports/fonts/), so Vietnamese diacritics render on any machine;
the chart is drawn with reportlab.graphics, nothing is fetched.
"""
from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.choices import Timeliness

from . import (figures_note, format_count, format_value, provisional_mark, provisional_note, short_date, short_datetime,
               status_label, target_names, title)

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
MET_COLOR, MISSED_COLOR = colors.HexColor("#2e7d32"), colors.HexColor("#c62828")


def register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#555555")),
        "provisional": ParagraphStyle("provisional", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#7a5200"),
                                      backColor=colors.HexColor("#fff5db"), borderPadding=4, spaceBefore=4,
                                      spaceAfter=4),
    }


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


TABLE_STYLE = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
    ("FONTSIZE", (0, 0), (-1, -1), 8),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dce6f1")),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f7fa")]),
])


def _summary_table(data, styles) -> Table:
    header = [_("Clause"), _("Target"), _("Threshold"), _("Met"), _("Missed"), _("No baseline"), _("No data"),
              _("Not applicable"), _("Aggregate status"), _("Aggregate value")]
    rows = [[Paragraph(_escape(label), styles["cell"]) for label in header]]
    for row in data.summary:
        rows.append([
            row["clause"], Paragraph(_escape(row["name"]), styles["cell"]),
            format_value(row["threshold"], row["comparison"]), format_count(row["met"]), format_count(row["missed"]),
            format_count(row["no_baseline"]), format_count(row["no_data"]), format_count(row["not_applicable"]),
            Paragraph(_escape(status_label(row["status"])) + _provisional_cell(row), styles["cell"]),
            format_value(row["value"], row["comparison"]),
        ])
    widths = [14 * mm, 78 * mm, 20 * mm, 15 * mm, 15 * mm, 20 * mm, 17 * mm, 20 * mm, 25 * mm, 25 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    table.setStyle(TableStyle([("ALIGN", (2, 1), (-1, -1), "RIGHT"), ("ALIGN", (8, 1), (8, -1), "LEFT")]))
    return table


def _provisional_cell(row: dict) -> str:
    """A provisional figure's status cell says so under the status."""
    mark = provisional_mark(row)
    return f'<br/><font color="#7a5200">{_escape(mark)}</font>' if mark else ""


def _chart(data) -> Drawing:
    """Met and missed shares of the judged units per target, as stacked horizontal bars."""
    rows = list(reversed(data.summary))
    height = 40 + 16 * max(len(rows), 1)
    drawing = Drawing(250 * mm, height + 30)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 30
    chart.width, chart.height = 170 * mm, height - 20
    chart.data = [
        [round((row["met_share"] or 0) * 100, 2) for row in rows],
        [round((row["missed_share"] or 0) * 100, 2) for row in rows],
    ]
    names = target_names()
    chart.categoryAxis.categoryNames = [names.get(row["target"], row["target"]) for row in rows]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.bars[0].fillColor, chart.bars[1].fillColor = MET_COLOR, MISSED_COLOR
    chart.bars.strokeWidth = 0
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 45 * mm, 12
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 8
    legend.colorNamePairs = [(MET_COLOR, _("Met")), (MISSED_COLOR, _("Missed"))]
    drawing.add(legend)
    caption = _("Share of units meeting and missing each target (of units judged)")
    if data.standing.provisional:
        caption = f"{caption} – {data.standing.subtitle}"
    drawing.add(String(0, height + 18, caption, fontName=FONT_BOLD, fontSize=9))
    return drawing


def _own_table(data, styles) -> Table | None:
    own = [row for row in data.rows if row["unit"] == data.unit.pk]
    if not own:
        return None
    comparisons = {row["target"]: row for row in data.summary}
    names = target_names()
    rows = [[_("Target"), _("Clause"), _("Status"), _("Value"), _("Threshold"), _("Numerator"), _("Denominator"),
             _("Baseline"), _("Provisional")]]
    for result in own:
        target = comparisons.get(result["target"], {"comparison": "", "clause": ""})
        rows.append([names.get(result["target"], result["target"]), target["clause"], status_label(result["status"]),
                     format_value(result["value"], target["comparison"]),
                     format_value(result["threshold"], target["comparison"]), format_count(result["numerator"]),
                     format_count(result["denominator"]), format_count(result["baseline"]),
                     provisional_mark(result)])
    table = Table(rows, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def _rate_block(data, styles) -> list:
    rate = data.rate
    if not rate["expected"]:
        return []
    pct = lambda value: format_value(value, "") if value is not None else "—"  # noqa: E731
    parts = [
        Paragraph(_escape(_("Reporting rate and timeliness")), styles["h2"]),
        Paragraph(_escape(_(
            "Deadline %(deadline)s. Expected %(expected)s, submitted %(submitted)s (%(rate)s): on time %(on_time)s, "
            "late %(late)s; not submitted %(missing)s."
        ) % {"deadline": short_date(rate["deadline"]), "expected": format_count(rate["expected"]),
             "submitted": format_count(rate["submitted"]), "rate": pct(rate["rate"]),
             "on_time": format_count(rate["on_time"]), "late": format_count(rate["late"]),
             "missing": format_count(rate["missing"])}), styles["body"]),
        Spacer(1, 4),
    ]
    rows = [[_("Unit code"), _("Unit"), _("Report state"), _("Submitted on"), _("Timeliness")]]
    for item in rate["rows"]:
        report = item["report"]
        rows.append([item["unit"].code, Paragraph(_escape(item["unit"].name), styles["cell"]),
                     report.get_state_display() if report else "—",
                     short_date(item["submitted_on"]) if item["submitted_on"] else "—",
                     str(Timeliness(item["timeliness"]).label)])
    table = Table(rows, colWidths=[22 * mm, 90 * mm, 30 * mm, 30 * mm, 30 * mm], repeatRows=1)
    table.setStyle(TABLE_STYLE)
    parts.append(table)
    return parts


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7)
    canvas.drawRightString(doc.pagesize[0] - 15 * mm, 8 * mm, _("Page %(page)s") % {"page": doc.page})
    canvas.restoreState()


def render(data, *, progress) -> bytes:
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
        bottomMargin=14 * mm, title=title(data), author=_("Reform compliance dashboard"),
    )
    start, end = data.period.window
    story = [
        Paragraph(_escape(title(data)), styles["title"]),
        Paragraph(_escape(f"{_('Unit')}: {data.unit.code} – {data.unit.name}"), styles["body"]),
        Paragraph(_escape(f"{_('Period')}: {data.period.label} ({short_date(start)} – {short_date(end)})"),
                  styles["body"]),
        Paragraph(_escape(figures_note(data)), styles["muted"]),
        Paragraph(_escape(f"{_('Generated at')}: {short_datetime(data.generated_at)}"), styles["muted"]),
    ]
    if data.report is not None:
        story.append(Paragraph(_escape(f"{_('Report state')}: {data.report.get_state_display()}"), styles["muted"]))
    note = provisional_note(data)
    if note:
        story.append(Paragraph(_escape(note), styles["provisional"]))
    # The chart first, so the first page shows the picture at a glance; the table with the figures follows.
    story += [Spacer(1, 6), _chart(data)]
    progress(1, 4)
    story += [Paragraph(_escape(_("Targets of Conclusion 226-KL/TW, section 2")), styles["h2"]),
              _summary_table(data, styles), Spacer(1, 8)]
    progress(2, 4)
    own = _own_table(data, styles)
    if own is not None:
        story += [PageBreak(), Paragraph(_escape(_("Results of %(unit)s itself") % {"unit": data.unit.name}), styles["h2"]), own]
    story += _rate_block(data, styles)
    if data.report is not None and (data.report.difficulties or data.report.proposals):
        for label, text in ((_("Difficulties"), data.report.difficulties), (_("Proposals"), data.report.proposals)):
            story += [Paragraph(_escape(label), styles["h2"]),
                      Paragraph(_escape(text or "—").replace("\n", "<br/>"), styles["body"])]
    progress(3, 4)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    progress(4, 4)
    return buffer.getvalue()
