"""Plotly figure builders of the dashboards, each paired with the same data as an accessible table and CSV.

Figures are built server-side with the plotly Python package from the reads of `reporting/dashboards/`
(precomputed results only); the page hands `figure_json` to plotly.js served by the app.

Over 400 lines on purpose: one builder per figure of the pages, each beside its accessible table and CSV, all
sharing the same number formats, status colours and provisional marks; split by page, those would be imported
back and forth.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import plotly.graph_objects as go
from _plotly_utils.utils import PlotlyJSONEncoder
from django.utils import translation
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reform.models import Target

from .choices import Status
from . import dashboards as d
from .provisional import FINAL, Standing, day_text
from .targets import short_name  # noqa: F401 - the heat maps' labels, also read as charts.short_name

STATUS_COLOURS = {
    Status.MET: "#1e7b3c",
    Status.MISSED: "#b3261e",
    Status.NO_BASELINE: "#d19a00",
    Status.NO_DATA: "#9aa4b1",
    Status.NOT_APPLICABLE: "#e6e9ee",
}
# Status is never told by colour alone: a symbol (heat-map cells, legends, tables) and a bar pattern go with it.
STATUS_SYMBOLS = {
    Status.MET: "✓",
    Status.MISSED: "✗",
    Status.NO_BASELINE: "?",
    Status.NO_DATA: "∅",
    Status.NOT_APPLICABLE: "–",
}
# The symbols' colour on each status colour (the heat map picks its own the same way).
STATUS_INK = {
    Status.MET: "#ffffff",
    Status.MISSED: "#ffffff",
    Status.NO_BASELINE: "#1d232b",
    Status.NO_DATA: "#1d232b",
    Status.NOT_APPLICABLE: "#1d232b",
}
STATUS_PATTERNS = {
    Status.MET: "",
    Status.MISSED: "x",
    Status.NO_BASELINE: "/",
    Status.NO_DATA: ".",
    Status.NOT_APPLICABLE: "",
}
STATUS_INDEX = {s: i for i, s in enumerate(d.STATUS_ORDER)}
DOC_COLOUR, CONF_COLOUR = "#0b5cad", "#a61b1b"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif'

# plotly.js options: nothing is fetched from outside the app (no topojson, no MathJax, no cloud link).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "typesetMath": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
}


# Below this width (CSS pixels of the chart) a figure draws its narrow variant, if it has one (a phone).
NARROW_BELOW = 640
# Bars labelled by the targets' full names (~290 px wrapped at 44 characters) keep 60 % of the width above this.
NAMES_NARROW_BELOW = 760


class Spec:
    """A Plotly figure as plain data (traces and layout), serialised by plotly without re-validation.

    Building `go.Figure` objects validates every property on every request, which costs more than all the
    SQL of a page; the specs are validated once by the tests instead (`to_figure()` builds the checked
    `go.Figure`)."""

    def __init__(self, data=None):
        self.data = [] if data is None else [data] if isinstance(data, dict) else list(data)
        self.layout: dict = {}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def update_layout(self, **layout) -> None:
        self.layout.update(layout)

    def narrow(self, *, layout: dict | None = None, data: list[dict] | None = None,
               below: int = NARROW_BELOW) -> None:
        """The figure to draw in a chart narrower than `below` pixels: `layout` and each of `data` merged over
        the figure's (objects key by key, anything else replaced) by static/js/dashboard.js. It travels in
        `layout.meta`, which plotly.js keeps for the page and does not draw."""
        variant: dict = {"below": below}
        if layout:
            variant["layout"] = layout
        if data:
            variant["data"] = data
        self.layout.setdefault("meta", {})["narrow"] = variant

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}

    def to_json(self) -> str:
        # UTF-8 as it is, not \u escapes: a Vietnamese name is half the size (a province page's figures are
        # mostly names). figure_json escapes what could close the <script> element.
        return json.dumps(self.to_dict(), cls=PlotlyJSONEncoder, separators=(",", ":"), ensure_ascii=False)

    def to_figure(self) -> go.Figure:
        return go.Figure(self.to_dict())


def trace(kind: str, **props) -> dict:
    return {"type": kind, **props}


def separators() -> str:
    """plotly's decimal and thousands separators for the active language (Vietnamese writes 1.234,5)."""
    return ",." if (get_language() or "vi").startswith("vi") else ".,"


def wrap_label(text: str, width: int = 52, *, at_hyphens: bool = False) -> str:
    """Break a long target name over lines (plotly's <br>), so the bars keep most of the width; `at_hyphens`:
    a line may also end after a hyphen ("Province-wide" is wider than a heat-map column)."""
    pieces = []  # (piece, what joins it to the piece before it on a line)
    for word in str(text).split():
        parts = [p for p in re.split(r"(?<=-)", word) if p] if at_hyphens else [word]
        pieces += [(part, " " if i == 0 else "") for i, part in enumerate(parts)]
    lines, line = [], ""
    for part, glue in pieces:
        if line and len(line) + len(glue) + len(part) > width:
            lines.append(line)
            line = part
        else:
            line = f"{line}{glue}{part}" if line else part
    if line:
        lines.append(line)
    return "<br>".join(lines)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis saying so (the figure gives the full text on hover)."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class Formats:
    """The numbers and status names of one language, for loops over thousands of cells: the language is looked up
    once (`formats()`), not per cell (Django's get_language was a third of the heat map of a 175-unit province),
    and a number's grouping is formatted once per value."""

    def __init__(self, language: str) -> None:
        with translation.override(language):
            self.decimal, self.thousand = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
            self.labels = {status: str(Status(status).label) for status in Status.values}

    def number(self, value, decimals: int = 0) -> str:
        """Like Django's number_format with grouping, but cheap enough for tables of thousands of cells."""
        if value is None:
            return "–"
        return _grouped(value, decimals).replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousand)

    def percent(self, fraction, decimals: int = 1) -> str:
        if fraction is None:
            return "–"
        return f"{self.number(Decimal(str(fraction)) * 100, decimals)} %"

    def target_value(self, target: Target, value) -> str:
        """Caps are counts of conferences; every other target is a fraction shown as a percentage."""
        if value is None:
            return "–"
        return self.number(value, 0) if target.is_cap else self.percent(value)

    def status_label(self, status: str | None) -> str:
        return self.labels.get(status or "", "–")


@lru_cache(maxsize=16384)
def _grouped(value, decimals: int) -> str:
    """`value` rounded half up to `decimals` places, grouped in English (1,234.5)."""
    return format(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), f",.{decimals}f")


_FORMATS: dict[str, Formats] = {}


def formats() -> Formats:
    """The active language's Formats."""
    language = get_language() or "vi"
    found = _FORMATS.get(language)
    if found is None:
        found = _FORMATS[language] = Formats(language)
    return found


def format_number(value, decimals: int = 0) -> str:
    return formats().number(value, decimals)


def format_percent(fraction, decimals: int = 1) -> str:
    return formats().percent(fraction, decimals)


def format_target_value(target: Target, value) -> str:
    return formats().target_value(target, value)


def format_threshold(target: Target, threshold) -> str:
    if threshold is None:
        return "–"
    sign = {"reduction_gte": "≥", "share_gte": "≥", "share_lte": "≤", "count_lte": "≤", "all_comply": "="}.get(
        target.comparison, "")
    return f"{sign} {format_target_value(target, threshold)}".strip()


def status_label(status: str | None) -> str:
    return formats().status_label(status)


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | percent | status | value (target-dependent) | link
    csv_key: str = ""  # the raw value the CSV writes instead (e.g. a date for a column shown as text)
    csv_only: bool = False  # a code for machines (a target's): in the CSV, not in the page's table


@dataclass
class Chart:
    """A figure and its data table; `rows` hold raw values, formatted for the page or written to CSV."""

    id: str
    title: str
    description: str
    figure: Spec
    columns: list[Column]
    rows: list[dict]
    click_urls: list[str] = field(default_factory=list)
    # The statuses' key under the figure (see status_legend); `legend_patterns`: swatches hatched like the bars.
    legend: list[dict] = field(default_factory=list)
    legend_patterns: bool = False
    # "provisional, to 1 Dec 2026" when the figures' period has not ended (see mark()); its explanation.
    subtitle: str = ""
    subtitle_title: str = ""
    # Said instead of drawing a figure that has nothing to show (no records; no verdict before the targets apply).
    empty_message: str = ""
    # A sentence under the description (e.g. from which year the targets apply).
    note: str = ""
    # Columns every CSV row ends with (provisional, window_end: the same for the whole chart).
    csv_extra: dict[str, str] = field(default_factory=dict)
    # Said instead of the data table when the page shows the same figures in another table (its id: the anchor).
    table_elsewhere: str = ""
    table_anchor: str = ""

    @property
    def click_urls_json(self) -> str:
        return json.dumps(self.click_urls)

    @property
    def figure_json(self) -> str:
        # Escaped like Django's json_script so the JSON can sit inside a <script> element.
        return (self.figure.to_json().replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026"))

    def _cell(self, column: Column, row: dict, f: Formats) -> dict:
        value = row.get(column.key)
        text = value
        if column.kind == "int":
            text = f.number(value, 0)
        elif column.kind == "percent":
            text = f.percent(value)
        elif column.kind == "status":
            text = f.status_label(value) if value else "–"
        elif column.kind == "flag":
            text = _("provisional") if value else "–"
        elif column.kind == "value":
            target = row.get(f"{column.key}__target")
            text = f.target_value(target, value) if target is not None else f.number(value, 4)
        elif value is None:
            text = "–"
        return {"text": text, "url": row.get(f"{column.key}__url", ""), "status": value if column.kind == "status"
                else row.get(f"{column.key}__status", ""), "numeric": column.kind in ("int", "percent", "value")}

    @property
    def table_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.csv_only]

    def table(self) -> list[list[dict]]:
        f = formats()
        columns = self.table_columns
        return [[self._cell(c, row, f) for c in columns] for row in self.rows]

    def tbody_html(self) -> str:
        """The table's rows as HTML, built in Python: a template loop over thousands of cells is the slowest
        part of a province page."""
        return rows_html(self.table())

    def csv(self) -> str:
        """Machine-readable values: codes for statuses, fractions with 4 decimals (as in the API)."""
        out = io.StringIO()
        writer = csv.writer(out)
        extra = list(self.csv_extra.items())
        writer.writerow([c.csv_key or c.key for c in self.columns] + [key for key, _value in extra])
        for row in self.rows:
            line = []
            for c in self.columns:
                value = row.get(c.key)
                if c.csv_key:
                    value = row.get(c.csv_key)
                if value is None:
                    line.append("")
                elif isinstance(value, bool):
                    line.append("true" if value else "false")
                elif hasattr(value, "isoformat"):
                    line.append(value.isoformat())
                elif c.kind in ("percent", "value") and not isinstance(value, int):
                    line.append(f"{Decimal(str(value)):.4f}")
                else:
                    line.append(value)
            writer.writerow(line + [value for _key, value in extra])
        return out.getvalue()


def _escape(value) -> str:
    """Django's `escape` without its lazy-string wrapper (a tenth of a 175-unit province's page went into that
    wrapper for the cells of its tables): the same characters escaped, the same text."""
    return html.escape(str(value))


def cell_html(cell: dict, *, header: bool = False) -> str:
    text = _escape(cell["text"])
    if cell.get("url"):
        inner = f'<a href="{_escape(cell["url"])}">{text}</a>'
    elif cell.get("status"):
        label = _escape(cell.get("label") or "")
        hidden = f'<span class="visually-hidden">{label}: </span>' if label else ""
        title = f' title="{_escape(cell["title"])}"' if cell.get("title") else ""
        inner = f'<span class="status status--{_escape(cell["status"])}"{title}>{hidden}{text}</span>'
    else:
        inner = text
    if header:
        return f'<th scope="row">{inner}</th>'
    return f'<td class="num">{inner}</td>' if cell.get("numeric") else f"<td>{inner}</td>"


def rows_html(rows: list[list[dict]], *, header_column: int = 0) -> str:
    return mark_safe("".join(
        "<tr>" + "".join(cell_html(cell, header=i == header_column) for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    ))


def mark(chart: Chart, standing: Standing = FINAL) -> Chart:
    """A chart of provisional figures says so: a subtitle "provisional, to 1 Dec 2026" above it and in the figure
    (a downloaded image keeps it), and `provisional`/`window_end` columns in its CSV (also for final figures)."""
    own = {c.csv_key or c.key for c in chart.columns}  # a chart with its own per-row columns (the trend) keeps them
    chart.csv_extra = {key: value for key, value in standing.csv_columns().items() if key not in own}
    if standing.provisional:
        chart.subtitle, chart.subtitle_title = standing.subtitle, standing.title
        _subtitle(chart.figure, standing.subtitle)
    return chart


def _subtitle(fig: Spec, text: str) -> None:
    if not fig.data:
        return
    margin = dict(fig.layout.get("margin") or {})
    margin["t"] = max(margin.get("t", 30), 30) + 24
    fig.update_layout(margin=margin, title={
        "text": escape(text), "font": {"size": 12, "color": "#7a5200"}, "x": 0, "xanchor": "left",
        "xref": "container", "y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 6, "l": 10}})


def count_axis(values, **axis) -> dict:
    """A y axis of counts: whole-number ticks (a step of 1 for small counts, so never 0, 0, 0, 1, 1, 1), from 0."""
    top = max([v for v in values if v is not None] or [0])
    axis.update(rangemode="tozero", tickformat=",d" if top < 10_000 else "~s")
    if top <= 10:
        axis.update(dtick=1, range=[0, max(top, 1) * 1.1])
    return axis


# The pattern's ink on each status colour (white on the dark red, dark on the yellow and the grey).
PATTERN_INK = {Status.MISSED: "#ffffff", Status.NO_BASELINE: "#4d3800", Status.NO_DATA: "#2b323b"}


def status_legend(statuses) -> list[dict]:
    """The key of a figure coloured by status, drawn by the page under it (a legend inside the figure would take
    the plot's width on a phone): each status's colour, symbol and name."""
    return [{"status": str(st), "colour": STATUS_COLOURS[st], "ink": STATUS_INK[st], "symbol": STATUS_SYMBOLS[st],
             "label": status_label(st)} for st in statuses]


def bar_pattern(statuses) -> dict:
    """marker.pattern of bars coloured by status (one status, or one per bar): a met bar is plain, the others
    hatched, so that the statuses differ without their colours."""
    def one(status):
        shape = STATUS_PATTERNS.get(status, "")
        return shape, PATTERN_INK.get(status, "#ffffff")

    if isinstance(statuses, str) or statuses is None:
        shape, ink = one(statuses)
        return {"shape": shape, "fgcolor": ink, "fgopacity": 0.6, "fillmode": "overlay", "size": 7, "solidity": 0.25}
    pairs = [one(st) for st in statuses]
    return {"shape": [p[0] for p in pairs], "fgcolor": [p[1] for p in pairs], "fgopacity": 0.6,
            "fillmode": "overlay", "size": 7, "solidity": 0.25}


def _layout(fig: Spec, *, height: int, **extra) -> Spec:
    extra.setdefault("margin", {"l": 10, "r": 10, "t": 30, "b": 40})
    fig.update_layout(
        height=height, separators=separators(), font={"family": FONT, "size": 13},
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", hoverlabel={"font": {"family": FONT}}, **extra,
    )
    return fig


# --------------------------------------------------------------------------------------------------
def status_bars_chart(rows: list[dict], *, chart_id: str = "status-shares") -> Chart:
    """Per target, the shares of units met / missed / no baseline / no data (stacked horizontal bars)."""
    names = [wrap_label(r["target_name"], 44) for r in rows]
    fig = Spec()
    for status in d.SHARE_STATUSES:
        label = status_label(status)
        fig.add_trace(trace("bar",
            name=label, orientation="h", y=names, x=[r[f"share_{status}"] or 0 for r in rows],
            customdata=[r[f"n_{status}"] for r in rows],
            marker={"color": STATUS_COLOURS[status], "pattern": bar_pattern(status)},
            hovertemplate=f"%{{y}}<br>{label}: %{{x:.1%}} (%{{customdata:,}})<extra></extra>",
        ))
    # The shares' axis runs to 100 %, its last label kept inside by the right margin.
    _layout(fig, height=60 + 52 * max(len(rows), 1), barmode="stack", bargap=0.25,
            xaxis={"tickformat": ".0%", "range": [0, 1], "tickvals": [0, 0.25, 0.5, 0.75, 1], "gridcolor": "#e3e6ea",
                   "automargin": True},
            yaxis={"autorange": "reversed", "automargin": True},
            showlegend=False, margin={"l": 10, "r": 40, "t": 30, "b": 40})
    # On a phone or a tablet the bars keep the width: each target by its short name (the full name on hover).
    fig.narrow(below=NAMES_NARROW_BELOW, layout={
        "height": 60 + 36 * max(len(rows), 1),
        "xaxis": {"tickvals": [0, 0.5, 1]},
        "yaxis": {"tickmode": "array", "tickvals": list(range(len(rows))),
                  "ticktext": [wrap_label(short_name(r["target"]), 14) for r in rows], "tickfont": {"size": 11}},
    })
    columns = [Column("target", _("Code"), csv_only=True), Column("target_name", _("Target")),
               Column("units", _("Units"), "int")]
    for status in d.SHARE_STATUSES:
        columns.append(Column(f"n_{status}", status_label(status), "int"))
        columns.append(Column(f"share_{status}", _("%(status)s (share)") % {"status": status_label(status)},
                              "percent"))
    columns.append(Column("not_applicable", status_label(Status.NOT_APPLICABLE), "int"))
    return Chart(
        id=chart_id, title=_("Units by status, per target"),
        description=_("Stacked bars: for each target, the share of units that met it, missed it, had no baseline "
                      "or no data."),
        figure=fig, columns=columns, rows=rows, legend=status_legend(d.SHARE_STATUSES), legend_patterns=True,
    )


# A heat map's column labels stand upright below this chart width (a desktop's page is 1,126 px wide): twelve
# labels of up to 10 characters a line need ~75 px each beside the rows' names.
HEATMAP_UPRIGHT_BELOW = 1100


def heatmap_chart(*, units, targets: list[Target], grid: dict, row_urls: list[str], chart_id: str,
                  title: str, description: str, unit_label: str, own_grid: dict | None = None) -> Chart:
    """Units against targets, each cell coloured by status and marked by its symbol; a click on a row opens that
    unit's page.

    Rows and columns are the units' and targets' full names (what the hover says); the axes show them shortened,
    so that an 80-character agency name does not squeeze the grid. With `own_grid`, the cells are localities as a
    whole (`grid` from `locality_figures`) and each also gives the locality's own records: in the hover, and in
    the table and CSV beside the whole's column."""
    n = len(d.STATUS_ORDER)
    z, symbols, hover = [], [], []
    rows = []
    f = formats()
    for unit, url in zip(units, row_urls):
        zrow, srow, hrow = [], [], []
        row = {"code": unit.code, "name": unit.name, "name__url": url}
        for target in targets:
            cell = grid.get((unit.code, target.code))
            own = own_grid.get((unit.code, target.code)) if own_grid is not None else None
            if own_grid is not None:
                row[f"{target.code}_own"] = own["status"] if own else None
            if cell is None:
                zrow.append(None)
                srow.append("")
                hrow.append("–")
                row[target.code] = None
                continue
            zrow.append(STATUS_INDEX[cell["status"]])
            srow.append(STATUS_SYMBOLS[cell["status"]])
            text = f"{f.status_label(cell['status'])} · {f.target_value(target, cell['value'])}"
            if own_grid is not None:
                text = _("As a whole: %(figure)s (%(met)s of %(units)s units met)") % {
                    "figure": text, "met": f.number(cell["n_met"]),
                    "units": f.number(cell["n_units"] - cell["n_not_applicable"])}
                own_text = (f"{f.status_label(own['status'])} · {f.target_value(target, own['value'])}" if own
                            else "–")
                text += "<br>" + _("Its own records: %(figure)s") % {"figure": own_text}
            hrow.append(text)
            row[target.code] = cell["status"]
            row[f"{target.code}__status"] = cell["status"]
        z.append(zrow)
        symbols.append(srow)
        hover.append(hrow)
        rows.append(row)
    # A stepped colour scale: each status index gets one flat colour band.
    scale = []
    for i, status in enumerate(d.STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[status]], [(i + 1) / n, STATUS_COLOURS[status]]]
    row_names = [f"{u.name} ({u.code})" for u in units]
    column_names = [t.name for t in targets]
    fig = Spec(trace("heatmap",
        z=z, x=column_names, y=row_names, text=symbols, texttemplate="%{text}", hovertext=hover,
        zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}<br>%{x}<br>%{hovertext}<extra></extra>",
    ))
    _layout(fig, height=max(260, 110 + 22 * len(units)),
            # Ticks by the categories' positions (a category axis's own numbering), so the names are sent once.
            xaxis={"side": "top", "tickangle": 0, "automargin": True, "fixedrange": True, "tickmode": "array",
                   "tickvals": list(range(len(targets))),
                   "ticktext": [wrap_label(short_name(t), 10, at_hyphens=True) for t in targets],
                   "tickfont": {"size": 11}},
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True, "tickmode": "array",
                   "tickvals": list(range(len(units))),
                   "ticktext": [f"{shorten(u.name, 26)} ({u.code})" for u in units],
                   "tickfont": {"size": 12}},
            margin={"l": 10, "r": 10, "t": 10, "b": 10})
    # Narrower: upright column labels on one line, shorter row names without their codes, a taller grid.
    fig.narrow(below=HEATMAP_UPRIGHT_BELOW, layout={
        "height": max(260, 110 + 22 * len(units)) + 90,
        "xaxis": {"tickangle": -90, "ticktext": [short_name(t) for t in targets], "tickfont": {"size": 10}},
        "yaxis": {"ticktext": [shorten(u.name, 22) for u in units], "tickfont": {"size": 10}},
    })
    columns = [Column("code", _("Code")), Column("name", unit_label, "link")]
    for t in targets:
        columns.append(Column(t.code, t.name, "status"))
        if own_grid is not None:
            columns.append(Column(f"{t.code}_own", _("%(target)s (own records)") % {"target": t.name}, "status"))
    return Chart(
        id=chart_id, title=title, description=description, figure=fig, columns=columns, rows=rows,
        click_urls=list(row_urls),
        legend=status_legend(d.STATUS_ORDER),
    )


def window_text(year: int, window_end) -> str:
    """The window a trend row counts, e.g. 01/01–01/12/2026 (vi) or 1 Jan–1 Dec 2026 (en)."""
    if window_end is None:
        return str(year)
    return f"{day_text(window_end.replace(month=1, day=1))}–{day_text(window_end, with_year=True)}"


def trend_chart(rows: list[dict], *, chart_id: str = "trend", period_label: str = "",
                applies_from: int | None = None) -> Chart:
    """Documents and conferences per year, each year on the same window, on two axes.

    Final years count their whole period; a running year (provisional) counts 1 January to its window end and is
    drawn with the year before on that same window, as a separate dashed pair: never a line from a whole year to
    a part year. Years before the targets apply show their counts like any other (counts are not verdicts); a
    dotted line marks the first year the targets apply."""
    docs_label, conf_label = _("Administrative documents"), _("Conferences (regular sessions apart)")
    for r in rows:
        r["window"] = window_text(r["year"], r.get("window_end"))
    years = sorted({r["year"] for r in rows})
    x_of = {y: str(y) for y in years}
    series: dict[object, list[dict]] = {}
    for r in rows:  # whole windows together; each running window (by its last day) with its year before
        if not r.get("same_window"):
            key = "whole"
        else:
            key = (r["window_end"].month, r["window_end"].day) if r.get("window_end") else "same"
        series.setdefault(key, []).append(r)
    fig = Spec()
    shown = [rows_ for key, rows_ in series.items() if key == "whole"] + [
        rows_ for key, rows_ in series.items() if key != "whole"]
    for group in shown:
        part = bool(group[0].get("same_window"))
        suffix = ""
        if part:
            end = next((r["window_end"] for r in group if r.get("window_end")), None)
            suffix = f" ({day_text(end.replace(month=1, day=1))}–{day_text(end)})" if end else ""
        for key, label, colour, axis in (("documents", docs_label, DOC_COLOUR, "y"),
                                         ("conferences", conf_label, CONF_COLOUR, "y2")):
            name = f"{label}{suffix}"
            line = {"color": colour, "width": 3 if not part else 2}
            line["dash"] = ("dot" if key == "conferences" else "solid") if not part else "dash"
            fig.add_trace(trace(
                "scatter", name=name, x=[x_of[r["year"]] for r in group], y=[r[key] for r in group],
                mode="lines+markers", yaxis=axis, line=line,
                marker={"symbol": "circle-open" if part else "circle", "size": 9 if part else 7, "color": colour},
                hovertemplate="%{x}: %{y:,}<extra>" + escape(name) + "</extra>"))
    shapes, annotations = [], []
    if applies_from is not None and years and years[0] < applies_from <= years[-1]:
        # Category axis: the boundary lies half a category before the first year the targets apply.
        boundary = years.index(applies_from) - 0.5
        shapes.append({"type": "line", "x0": boundary, "x1": boundary, "xref": "x", "y0": 0, "y1": 1,
                       "yref": "paper", "line": {"color": "#5b6573", "width": 1, "dash": "dot"}})
        annotations.append({"x": boundary, "y": 1, "xref": "x", "yref": "paper", "showarrow": False,
                            "xanchor": "center", "yanchor": "bottom", "font": {"size": 11, "color": "#5b6573"},
                            "text": escape(_("targets apply from %(year)s") % {"year": applies_from})})
    # The legend goes under the plot: four entries (whole years and a running pair) would squeeze it from above.
    _layout(fig, height=360 + 22 * max(len(fig.data) - 2, 0),
            xaxis={"type": "category", "categoryorder": "array", "categoryarray": [x_of[y] for y in years],
                   "title": {"text": period_label}, "automargin": True},
            # Axis titles are left to the legend (colours match), so the half-width plot keeps its width.
            yaxis=count_axis([r["documents"] for r in rows], gridcolor="#e3e6ea", automargin=True,
                             tickfont={"color": DOC_COLOUR}),
            yaxis2=count_axis([r["conferences"] for r in rows], overlaying="y", side="right", automargin=True,
                              showgrid=False, tickfont={"color": CONF_COLOUR}),
            legend={"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0, "xanchor": "left"},
            margin={"l": 10, "r": 10, "t": 40, "b": 40},
            **({"shapes": shapes, "annotations": annotations} if shapes else {}))
    # On a phone each legend entry takes a line of its own: the figure grows by as much, the plot keeps its size.
    fig.narrow(layout={"height": 380 + 26 * len(fig.data), "legend": {"font": {"size": 11}, "y": -0.25}})
    description = _("Lines: the number of administrative documents issued and of countable conferences held, "
                    "per year, over the same window of each year.")
    if any(r.get("same_window") for r in rows):
        description += " " + _("A year still running counts 1 January to the last day computed; the dashed pair "
                               "sets it against the year before on the same window. Solid lines: whole periods.")
    note = ""
    if applies_from is not None and years and years[0] < applies_from:
        note = targets_apply_note(applies_from)
    return Chart(
        id=chart_id, title=_("Documents and conferences per year"), description=description, note=note,
        figure=fig,
        columns=[Column("year", _("Year")), Column("window", _("Window"), csv_key="window_end"),
                 Column("documents", docs_label, "int"), Column("conferences", conf_label, "int"),
                 Column("provisional", _("Provisional"), "flag")],
        rows=rows,
        empty_message=_("No records yet.") if d.trend_is_empty(rows) else "",
    )


def targets_apply_note(applies_from: int) -> str:
    return _("The targets apply from %(year)s: earlier years show counts of records, with no verdict.") % {
        "year": applies_from}


def _percent_ticks(step: int) -> dict:
    """The histogram's ticks: every `step` points of reduction, written as the table writes them."""
    values = list(range(d.HIST_LOW + 10, d.HIST_HIGH + 1, step))
    return {"tickmode": "array", "tickvals": values, "ticktext": [f"{format_number(v)} %" for v in values]}


def reduction_histogram_chart(values: list[float], threshold: float | None, *,
                              chart_id: str = "doc-reduction", empty_message: str = "") -> Chart:
    """How many units cut their documents by how much, against the target line (the threshold the units were
    held to; no line when none was: a year before the target applies has no verdict)."""
    bins = d.histogram_bins(values)
    line = threshold * 100 if threshold is not None else None
    centers, statuses = [], []
    for b in bins:
        low = b["low"] if b["low"] is not None else b["high"] - d.HIST_STEP
        high = b["high"] if b["high"] is not None else b["low"] + d.HIST_STEP
        centers.append((low + high) / 2)
        statuses.append(None if line is None else Status.MET if low >= line else Status.MISSED)
    colours = [STATUS_COLOURS[st] if st else DOC_COLOUR for st in statuses]
    labels = [b["label"] for b in bins]
    units_label = _("Units")
    counts = [b["n"] for b in bins]
    fig = Spec(trace("bar",
        x=centers, y=counts, width=d.HIST_STEP * 0.92, text=labels, textposition="none",
        marker={"color": colours, **({"pattern": bar_pattern(statuses)} if line is not None else {})},
        hovertemplate="%{text}: %{y:,}<extra>" + units_label + "</extra>",
    ))
    shapes, annotations = [], []
    if line is not None:
        line_label = _("Target: %(pct)s %% fewer") % {"pct": format_number(line, 0)}
        shapes.append({"type": "line", "x0": line, "x1": line, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
                       "line": {"color": "#1d232b", "width": 2, "dash": "dash"}})
        # Above the plot, never on a bar; it runs away from the nearer edge of the chart.
        middle = (d.HIST_LOW + d.HIST_HIGH) / 2
        annotations.append({"x": line, "y": 1, "xref": "x", "yref": "paper", "text": line_label,
                            "showarrow": False, "xanchor": "right" if line > middle else "left",
                            "yanchor": "bottom", "font": {"size": 12}})
    low_edge, high_edge = d.HIST_LOW - d.HIST_STEP, d.HIST_HIGH + d.HIST_STEP
    axis_title = _("Reduction of administrative documents against the year before")
    _layout(fig, height=340,
            # The bands' edges in percent on a numeric axis; each bar's band is in its hover and the table.
            xaxis={"title": {"text": wrap_label(axis_title, 40)},
                   "range": [low_edge, high_edge], **_percent_ticks(20), "zeroline": False, "automargin": True},
            yaxis=count_axis(counts, title={"text": units_label}, gridcolor="#e3e6ea", automargin=True),
            margin={"l": 10, "r": 16, "t": 40, "b": 40},
            showlegend=False, **({"shapes": shapes, "annotations": annotations} if shapes else {}))
    fig.narrow(below=480, layout={"xaxis": {"title": {"text": wrap_label(axis_title, 28)}, **_percent_ticks(40)}})
    rows = [{"bin": b["label"], "low": b["low"], "high": b["high"], "units": b["n"]} for b in bins]
    if not values and not empty_message:
        empty_message = _("No unit has a reduction rate: nothing was recorded in the same window of the year "
                          "before.")
    return Chart(
        id=chart_id, title=_("Distribution of document reduction rates"),
        description=_("Bars: the number of units per band of document reduction rate; the dashed line is the "
                      "target. Units with no baseline are not shown."),
        figure=fig,
        columns=[Column("bin", _("Reduction (band)")), Column("low", _("From (%)")), Column("high", _("To (%)")),
                 Column("units", units_label, "int")],
        rows=rows, empty_message=empty_message if not values else "",
    )


def unit_values_chart(results_by_target: dict, targets: list[Target], *, chart_id: str = "unit-values") -> Chart:
    """One unit: each target's value against its threshold for one year and period."""
    shown = [t for t in targets if not t.is_cap]
    rows = []
    for target in targets:
        r = results_by_target.get(target.code)
        rows.append({
            "target": target.code, "target_name": target.name,
            "status": r.status if r else None,
            "value": r.value if r else None, "value__target": target,
            "threshold": r.threshold if r else None, "threshold__target": target,
        })
    by_code = {row["target"]: row for row in rows}
    names = [wrap_label(t.name, 44) for t in shown]
    values = [as_float(by_code[t.code]["value"]) for t in shown]
    thresholds = [as_float(by_code[t.code]["threshold"]) for t in shown]
    colours = [STATUS_COLOURS.get(by_code[t.code]["status"], "#9aa4b1") for t in shown]
    value_label, threshold_label = _("Value"), _("Threshold")
    fig = Spec([
        trace("bar", name=value_label, orientation="h", y=names, x=values,
              marker={"color": colours, "pattern": bar_pattern([by_code[t.code]["status"] for t in shown])},
              hovertemplate="%{y}: %{x:.1%}<extra>" + value_label + "</extra>"),
        trace("scatter", name=threshold_label, mode="markers", y=names, x=thresholds,
                   marker={"symbol": "line-ns-open", "size": 22, "color": "#1d232b", "line": {"width": 3}},
                   hovertemplate="%{y}: %{x:.1%}<extra>" + threshold_label + "</extra>"),
    ])
    _layout(fig, height=60 + 52 * max(len(shown), 1),
            xaxis={"tickformat": ".0%", "gridcolor": "#e3e6ea", "zeroline": True, "zerolinecolor": "#5b6573",
                   "automargin": True},
            yaxis={"autorange": "reversed", "automargin": True},
            showlegend=False, margin={"l": 10, "r": 40, "t": 30, "b": 40})
    fig.narrow(below=NAMES_NARROW_BELOW, layout={
        "height": 60 + 36 * max(len(shown), 1),
        "yaxis": {"tickmode": "array", "tickvals": list(range(len(shown))),
                  "ticktext": [wrap_label(short_name(t), 14) for t in shown], "tickfont": {"size": 11}},
    })
    return Chart(
        id=chart_id, title=_("Value against threshold"),
        description=_("Bars: the unit's value for each target measured as a share, coloured by status; the black "
                      "mark is the threshold. Caps on conferences are listed in the table."),
        figure=fig,
        columns=[Column("target", _("Code"), csv_only=True), Column("target_name", _("Target")),
                 Column("status", _("Status"), "status"), Column("value", _("Value"), "value"),
                 Column("threshold", _("Threshold"), "value")],
        rows=rows, legend=status_legend(d.SHARE_STATUSES), legend_patterns=True,
    )


def as_float(value) -> float | None:
    return None if value is None else float(value)
