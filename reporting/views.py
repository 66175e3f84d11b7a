"""Dashboard pages: the national overview, a province, a unit; every chart also as a table and as CSV; and the pages
of the integrity signals.

Just over 400 lines: the signal pages share the dashboards' filters, scoping and CSV answer, so they live here."""
from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reform.choices import Block, Kind, Level
from reform.lineage import unit_lineage
from reform.mixins import scoped_object
from reform.models import Unit
from reform.querysets import scoped_queryset

from . import charts
from . import dashboards as d
from .choices import Period, ReviewState, Severity, SignalKind, Status
from .filtersets import SignalFilterSet
from .models import Signal
from .provisional import Standing, standing_of
from .signals import signal_clears, signal_evidence, signal_message, signal_review


def _csv_response(chart: charts.Chart, name: str) -> HttpResponse:
    # A BOM so that spreadsheet programs read the Vietnamese names as UTF-8.
    response = HttpResponse("\ufeff" + chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.csv"'
    return response


def _render_or_csv(request, template: str, context: dict, charts_: list[charts.Chart], name: str):
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("chart") or (charts_[0].id if charts_ else "")
        for chart in charts_:
            if chart.id == wanted:
                return _csv_response(chart, f"{name}-{chart.id}")
        raise Http404(_("No such chart."))
    return render(request, template, context)


def _record_url(name: str, fallback: str, **params) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        base = fallback
    from urllib.parse import urlencode

    return f"{base}?{urlencode(params)}"


def _filter_context(filters: d.DashboardFilters, *, province_choices=None) -> dict:
    return {
        "filters": filters,
        "years": filters.years,
        "periods": Period.choices,
        "levels": Level.choices,
        "blocks": Block.choices,
        "province_choices": province_choices,
    }


def _scope_charts(*, filters: d.DashboardFilters, targets, counts, standing: Standing, heatmap: charts.Chart,
                  trend: list[dict], values: list[float], threshold) -> tuple[list[charts.Chart], str]:
    """The four charts of a scope (overview, province), marked provisional when their period has not ended, with
    a message instead of a figure where there is nothing to draw; and the page's note on a year before the
    targets apply (from the threshold data)."""
    applies_from = d.targets_apply_from(targets)
    before_targets = applies_from is not None and filters.year < applies_from
    note = charts.targets_apply_note(applies_from) if before_targets else ""
    empty = "" if d.has_records(counts) else _("No records yet.")
    bars = charts.status_bars_chart(d.status_shares(targets=targets, counts=counts))
    bars.empty_message = note or empty
    histogram = charts.reduction_histogram_chart(values, threshold, empty_message=note or empty)
    trend_chart = charts.trend_chart(
        trend, period_label=filters.period_label,
        applies_from=d.targets_apply_from(targets, (d.DOC_REDUCTION, d.MEETING_REDUCTION)))
    # The trend marks its own running year (its rows say which); the other charts show the selected period.
    for chart in (bars, heatmap, histogram):
        charts.mark(chart, standing)
    charts.mark(trend_chart, standing_of(trend))
    return [bars, heatmap, trend_chart, histogram], note


def _home_for_officer(user):
    unit = user.unit
    if unit is None:
        raise Http404
    if unit.level == Level.PROVINCIAL and unit.kind == Kind.LOCALITY:
        return redirect("reporting:province", code=unit.code)
    return redirect("reporting:unit", code=unit.code)


@login_required
def overview(request):
    """The national overview for reviewers and administrators (an entry officer lands on their own unit)."""
    user = request.user
    if not user.sees_everything:
        return _home_for_officer(user)
    filters = d.filters_from_query(request.GET)
    targets = d.target_list()
    all_provinces = d.provinces()
    root = next((p for p in all_provinces if p.code == filters.province), None) if filters.province else None
    q = d.scope_q(filters, root=root)

    counts, computed_at, standing = d.scope_status_counts(year=filters.year, period=filters.period, filters=filters,
                                                          root=root)
    heat_units = [root] if root else all_provinces
    # A province's cell is the province as a whole (of the level and block chosen); its own records beside it.
    whole = d.locality_figures(year=filters.year, period=filters.period, localities=heat_units, targets=targets,
                               filters=filters)
    own = d.unit_status_grid(year=filters.year, period=filters.period,
                             q=d.scope_q(root=root) & Q(unit__level=Level.PROVINCIAL, unit__kind=Kind.LOCALITY))
    link_query = filters.query(province="")
    row_urls = [f"{reverse('reporting:province', args=[p.code])}?{link_query}" for p in heat_units]
    trend = d.scope_trend(period=filters.period, filters=filters, root=root, year=filters.year)
    values, threshold = d.reduction_values(year=filters.year, period=filters.period, q=q)

    heatmap = charts.heatmap_chart(
        units=heat_units, targets=targets, grid=whole, own_grid=own, row_urls=row_urls, chart_id="provinces",
        title=_("Provinces by target"), unit_label=_("Province"),
        description=_("Heat map: each province as a whole (every unit in it, or those of the level and block "
                      "chosen) against the twelve targets, each cell coloured by status; its hover also gives the "
                      "province's own records. Select a province to open its page."),
    )
    charts_, targets_note = _scope_charts(filters=filters, targets=targets, counts=counts, standing=standing,
                                          heatmap=heatmap, trend=trend, values=values, threshold=threshold)
    context = {
        **_filter_context(filters, province_choices=all_provinces),
        "charts": charts_, "targets": targets, "computed_at": computed_at, "province": root,
        "standing": standing, "targets_note": targets_note,
        "has_results": computed_at is not None, "csv_query": filters.query(),
        "title": _("National overview"),
        "open_signals": open_signal_count(year=filters.year, root=root),
        "signals_url": f"{reverse('reporting:signals')}?year={filters.year}&province={root.code if root else ''}",
    }
    return _render_or_csv(request, "reporting/overview.html", context, charts_,
                          f"overview-{filters.year}-{filters.period}")


SORT_KEYS = ("missed", "-missed", "name", "-name", "code", "-code")
UNITS_PER_PAGE = 50


def _provinces(units):
    return units.filter(level=Level.PROVINCIAL, kind=Kind.LOCALITY)


@scoped_object(Unit, lookup="code", narrow=_provinces)
def province(request, root: Unit):
    """A province: its subtree's figures and the sortable table of its units, offenders first."""
    filters = d.filters_from_query(request.GET)
    filters = d.DashboardFilters(year=filters.year, period=filters.period, level=filters.level,
                                 block=filters.block, province=root.code, years=filters.years)
    targets = d.target_list()
    q = d.scope_q(filters, root=root)
    counts, computed_at, standing = d.scope_status_counts(year=filters.year, period=filters.period, filters=filters,
                                                          root=root)
    units = d.subtree_units(root, filters)
    grid = d.unit_status_grid(year=filters.year, period=filters.period, q=d.scope_q(root=root))
    heat_units = [root] + units
    unit_query = filters.query(province="", level="", block="")
    unit_link = reverse("reporting:unit", args=["CODE"]).replace("CODE", "{}")
    row_urls = [f"{unit_link.format(u.code)}?{unit_query}" for u in heat_units]
    trend = d.scope_trend(period=filters.period, filters=filters, root=root, year=filters.year)
    values, threshold = d.reduction_values(year=filters.year, period=filters.period, q=q)

    sort = request.GET.get("sort", "")
    codes = {t.code for t in targets}
    if sort not in SORT_KEYS and sort.lstrip("-") not in codes:
        sort = ""
    table = d.unit_table(units=units, targets=targets, grid=grid, sort=sort)
    unit_base = reverse("reporting:unit", args=["CODE"]).replace("CODE", "{}")
    for row in table:
        row["url"] = f"{unit_base.format(row['code'])}?{unit_query}"
    # The page shows one page of the table (a province of 175 units made a 750 KB page); the CSV has every unit.
    units_page = Paginator(table, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    html_rows = []
    f = charts.formats()
    for row in units_page.object_list:
        cells = [{"text": row["code"]}, {"text": row["name"], "url": row["url"]},
                 {"text": f.number(row["n_missed"]), "numeric": True}]
        for t in targets:
            cell = row["cells"].get(t.code)
            if cell is None:
                cells.append({"text": "–", "numeric": True})
                continue
            label = f.status_label(cell["status"])
            cells.append({"text": f.target_value(t, cell["value"]), "status": cell["status"],
                          "label": label, "title": f"{t.name}: {label}", "numeric": True})
        html_rows.append(cells)
    table_html = charts.rows_html(html_rows, header_column=1)
    units_chart = charts.mark(_units_table_chart(table, targets), standing)
    sort_query = filters.query(province="")
    sort_headers = []
    for key, label in [("code", _("Code")), ("name", _("Unit")), ("missed", _("Targets missed"))] + [
            (t.code, charts.short_name(t)) for t in targets]:
        first = "-" if key in ("missed",) or key in codes else ""
        current = "asc" if sort == key else "desc" if sort == f"-{key}" or (key == "missed" and not sort) else ""
        if current == "asc":
            next_sort = f"-{key}"
        elif current == "desc":
            next_sort = key
        else:
            next_sort = f"{first}{key}"
        title = next((t.name for t in targets if t.code == key), label)
        sort_headers.append({"key": key, "label": label, "title": title, "current": current,
                             "url": f"?{sort_query}&sort={next_sort}#units"})

    heatmap = charts.heatmap_chart(
        units=heat_units, targets=targets, grid=grid, row_urls=row_urls, chart_id="units-heatmap",
        title=_("Units by target"), unit_label=_("Unit"),
        description=_("Heat map: the province's own records (first row) and each unit below it against the "
                      "twelve targets, coloured by status. Select a unit to open its page."),
    )
    # Its data table would repeat the units table below (which has the values too) for every unit.
    heatmap.table_elsewhere = _("The units table below gives each unit's status and value per target.")
    heatmap.table_anchor = "units"
    charts_, targets_note = _scope_charts(filters=filters, targets=targets, counts=counts, standing=standing,
                                          heatmap=heatmap, trend=trend, values=values, threshold=threshold)
    context = {
        **_filter_context(filters),
        "charts": charts_, "targets": targets, "computed_at": computed_at, "province": root,
        "standing": standing, "targets_note": targets_note,
        "table": table, "table_html": table_html, "units_page": units_page, "sort": sort, "sort_headers": sort_headers, "csv_query": f"{sort_query}&sort={sort}",
        "has_results": computed_at is not None,
        "title": root.name,
        "open_signals": open_signal_count(year=filters.year, root=root),
        "signals_url": f"{reverse('reporting:signals')}?year={filters.year}&province={root.code}",
    }
    return _render_or_csv(request, "reporting/province.html", context, charts_ + [units_chart],
                          f"province-{root.code}-{filters.year}-{filters.period}")


def _units_table_chart(table: list[dict], targets) -> charts.Chart:
    """The units table as a 'chart' without figure, so it has the same CSV download."""
    columns = [charts.Column("code", _("Code")), charts.Column("name", _("Unit")),
               charts.Column("n_missed", _("Targets missed"), "int")]
    rows = []
    for row in table:
        out = {"code": row["code"], "name": row["name"], "n_missed": row["n_missed"]}
        for t in targets:
            cell = row["cells"].get(t.code) or {}
            out[f"{t.code}_status"] = cell.get("status")
            out[f"{t.code}_value"] = cell.get("value")
            out[f"{t.code}_value__target"] = t
        rows.append(out)
    for t in targets:
        columns.append(charts.Column(f"{t.code}_status", f"{t.name} ({_('status')})", "status"))
        columns.append(charts.Column(f"{t.code}_value", f"{t.name} ({_('value')})", "value"))
    return charts.Chart(id="units", title=_("Units"), description="", figure=charts.Spec(), columns=columns,
                        rows=rows)


@scoped_object(Unit, lookup="code")
def unit(request, obj: Unit):
    """One unit: every target, value against threshold, year by year and quarter to date, and why it missed."""
    filters = d.filters_from_query(request.GET, allow_scope_filters=False)
    targets = d.target_list()
    stored = d.unit_results(unit=obj)
    by_key = {(r.year, r.period, r.target_id): r for r in stored}
    years = sorted({r.year for r in stored} | {filters.year})
    current = {t.code: by_key.get((filters.year, filters.period, t.code)) for t in targets}

    ancestor_codes = [c for c in obj.path.strip("/").split("/") if c != obj.code]
    ancestors = list(scoped_queryset(Unit, request.user).filter(code__in=ancestor_codes).order_by("depth"))
    query = filters.query(level="", block="", province="")
    for a in ancestors:
        if a.level == Level.PROVINCIAL and a.kind == Kind.LOCALITY:
            a.dashboard_url = f"{reverse('reporting:province', args=[a.code])}?{query}"
        elif a.level == Level.CENTRAL and request.user.sees_everything:
            a.dashboard_url = f"{reverse('reporting:overview')}?{query}"
        else:
            a.dashboard_url = f"{reverse('reporting:unit', args=[a.code])}?{query}"

    rows = []
    for t in targets:
        r = current.get(t.code)
        by_year = []
        for y in years:
            ry = by_key.get((y, Period.YEAR, t.code))
            by_year.append({"year": y, "result": ry, "text": charts.format_target_value(t, ry.value if ry else None)})
        quarters = []
        for p in [*d.QUARTERS, Period.YEAR]:
            rq = by_key.get((filters.year, p, t.code))
            quarters.append({"period": p, "result": rq,
                             "text": charts.format_target_value(t, rq.value if rq else None)})
        rows.append({
            "target": t, "result": r,
            "value": charts.format_target_value(t, r.value if r else None),
            "threshold": charts.format_threshold(t, r.threshold if r else None),
            "reason": d.miss_reason(r) if r else "",
            "offenders": d.offending_conferences(r.details, t.code) if r and r.status == Status.MISSED else [],
            "by_year": by_year, "quarters": quarters,
            "from_predecessors": ((r.details or {}).get("inputs") or {}).get("from_predecessors") if r else None,
        })
    computed = [r.computed_at for r in current.values() if r]
    standing = standing_of([r for r in current.values() if r])
    applies_from = d.targets_apply_from(targets)
    targets_note = charts.targets_apply_note(applies_from) if applies_from and filters.year < applies_from else ""
    values_chart = charts.mark(charts.unit_values_chart(current, targets), standing)
    if computed and not any(r.value is not None for r in current.values() if r):
        values_chart.empty_message = targets_note or _("No records yet.")
    charts_ = [values_chart]
    # The year and quarter columns whose figures are provisional carry the badge in their heading.
    year_standings = [standing_of([r for r in stored if r.year == y and r.period == Period.YEAR]) for y in years]
    quarter_standings = [standing_of([r for r in stored if r.year == filters.year and r.period == p])
                         for p in [*d.QUARTERS, Period.YEAR]]
    links = {
        "documents": _record_url("documents:document_list", "/documents/", unit_code=obj.code, year=filters.year),
        "conferences": _record_url("meetings:conference_list", "/conferences/", unit_code=obj.code,
                                   year=filters.year),
        "digitization": _record_url("documents:digitization_list", "/documents/digitization/",
                                    unit_code=obj.code, year=filters.year),
    }
    context = {
        **_filter_context(filters),
        "unit": obj, "lineage": unit_lineage(unit=obj), "ancestors": ancestors, "rows": rows, "years": years, "charts": charts_,
        "quarter_periods": [*d.QUARTERS, Period.YEAR], "links": links,
        "computed_at": max(computed) if computed else None, "has_results": bool(computed),
        "standing": standing, "targets_note": targets_note,
        "year_columns": list(zip(years, year_standings)),
        "quarter_columns": list(zip([*d.QUARTERS, Period.YEAR], quarter_standings)),
        "is_province": obj.level == Level.PROVINCIAL and obj.kind == Kind.LOCALITY,
        "province_url": f"{reverse('reporting:province', args=[obj.code])}?{query}",
        "title": obj.name, "csv_query": query,
        # Its integrity signals of the year, with their evidence, links to the records and what would clear them.
        "signal_rows": signal_rows(scoped_queryset(Signal, request.user).filter(unit=obj, year=filters.year)
                                   .select_related("unit")),
        "can_review": request.user.sees_everything, "review_states": ReviewState.choices,
    }
    return _render_or_csv(request, "reporting/unit.html", context, charts_,
                          f"unit-{obj.code}-{filters.year}-{filters.period}")


SIGNALS_PER_PAGE = 50


def signal_rows(signals) -> list[dict]:
    """Signals with their message, what clears them and links to the records behind them, for the pages."""
    rows = []
    for s in signals:
        records = "conferences" if s.kind in (SignalKind.REGULAR_SESSION_SHIFT, SignalKind.HYBRID_SHIFT) or (
            s.key == "conferences") else "digitization" if s.kind == SignalKind.MISSING_REPORT else "documents"
        names = {"documents": ("documents:document_list", "/documents/"),
                 "conferences": ("meetings:conference_list", "/conferences/"),
                 "digitization": ("documents:digitization_list", "/documents/digitization/")}
        rows.append({
            "signal": s, "message": signal_message(s), "clears": signal_clears(s),
            "evidence": signal_evidence(s),
            "records_url": _record_url(*names[records], unit_code=s.unit.code, year=s.year),
            "unit_url": reverse("reporting:unit", args=[s.unit.code]) + f"?year={s.year}",
        })
    return rows


def open_signal_count(*, year: int, root: Unit | None = None) -> int:
    """Open signals of a year, the country's or a subtree's: one COUNT for the dashboards."""
    qs = Signal.objects.filter(year=year, review_state=ReviewState.OPEN)
    return (qs if root is None else qs.in_subtree(root)).count()


@login_required
def signals(request):
    """Integrity signals for reviewers (officers see their subtree's): filter by year, province, level, kind and
    severity; critical first; CSV; reviewers mark each explained or confirmed."""
    data = request.GET.copy()
    data.setdefault("year", str(d.filters_from_query(request.GET).year))
    filterset = SignalFilterSet(data, queryset=scoped_queryset(Signal, request.user).select_related("unit")
                                .order_by("rank", "unit__path", "kind", "key"))
    qs = filterset.qs if filterset.is_valid() else Signal.objects.none()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="signals-{data["year"]}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Unit code"), _("Unit"), _("Year"), _("Signal"), _("Severity"), _("Message"),
                         _("Review"), _("Review comment"), _("Evidence")])
        for s in qs.iterator(chunk_size=2000):
            writer.writerow([s.unit.code, s.unit.name, s.year, s.get_kind_display(), s.get_severity_display(),
                             signal_message(s), s.get_review_state_display(), s.review_comment, signal_evidence(s)])
        return response
    page = Paginator(qs, SIGNALS_PER_PAGE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    context = {
        "title": _("Integrity signals"), "filterset": filterset, "page": page, "rows": signal_rows(page.object_list),
        "provinces": d.provinces(), "levels": Level.choices, "kinds": SignalKind.choices,
        "severities": Severity.choices, "year": data["year"], "query": query.urlencode(),
        "can_review": request.user.sees_everything, "review_states": ReviewState.choices,
    }
    return render(request, "reporting/signals.html", context)


@scoped_object(Signal)
def signal_review_view(request, signal: Signal):
    """POST: a reviewer marks a signal explained (with a comment), confirmed or open; back to where they were. An
    entry officer may read their units' signals but not review them: 403, as the API answers."""
    if request.method != "POST":
        raise Http404
    if not request.user.sees_everything:
        raise PermissionDenied(_("Only reviewers and administrators review signals."))
    try:
        signal_review(signal=signal, user=request.user, state=request.POST.get("review_state", ""),
                      comment=request.POST.get("review_comment", ""))
        messages.success(request, _("Review saved."))
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    target = request.POST.get("next") or reverse("reporting:signals")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
                    else reverse("reporting:signals"))
