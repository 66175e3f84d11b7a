"""Dashboards: pages, scoping, chart data against the stored results, CSV, languages and bounded queries."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reporting import charts, dashboards
from reporting.models import ComplianceResult, ComplianceRollup
from tests.factories import PASSWORD, UserFactory
from tests.reporting.factories_dash import (
    TARGET_CODES, provinces_with_results, result_for, results_for_unit,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


def figure(response, chart_id):
    return json.loads(chart(response, chart_id).figure.to_json())


@pytest.fixture
def tree_results(tree):
    """Twelve 2026 results for every unit of the small tree (statuses cycling per unit)."""
    for i, code in enumerate(["TW", "01", "79", "00070", "00004", "26734", "26740", "01-VP"]):
        results_for_unit(tree[code], seed=i)
    return tree


# -- access ---------------------------------------------------------------------------------------
def test_overview_requires_login(client, tree):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_reviewer_opens_the_overview_with_four_charts(client, reviewer, tree_results):
    response = login(client, reviewer).get("/dashboard/?year=2026&period=Y")
    assert response.status_code == 200
    assert [c.id for c in response.context["charts"]] == ["status-shares", "provinces", "trend", "doc-reduction"]
    body = response.content.decode()
    assert "vendor/plotly.min.js" in body
    assert "cdn." not in body and "https://" not in body.split("<main", 1)[1]


def test_entry_officer_is_sent_from_the_overview_to_their_province(client, officer_hn, tree_results):
    response = login(client, officer_hn).get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:province", args=["01"])


def test_entry_officer_gets_404_for_another_province(client, officer_hn, tree_results):
    login(client, officer_hn)
    assert client.get("/dashboard/province/01/").status_code == 200
    assert client.get("/dashboard/province/79/").status_code == 404
    assert client.get("/dashboard/unit/26734/").status_code == 404
    assert client.get("/dashboard/unit/00070/").status_code == 200


def test_commune_officer_cannot_open_their_province_page(client, officer_commune, tree_results):
    login(client, officer_commune)
    assert client.get("/dashboard/province/01/").status_code == 404
    assert client.get("/dashboard/unit/00070/").status_code == 200
    assert client.get("/dashboard/unit/00004/").status_code == 404


def test_reviewer_opens_any_province_and_unit(client, reviewer, tree_results):
    login(client, reviewer)
    assert client.get("/dashboard/province/79/").status_code == 200
    assert client.get("/dashboard/unit/26740/").status_code == 200
    assert client.get("/dashboard/province/00070/").status_code == 404  # a commune is not a province page


# -- chart data equals the stored results -----------------------------------------------------------
def test_status_bars_equal_the_stored_counts(client, reviewer, tree_results):
    response = login(client, reviewer).get("/dashboard/?year=2026&period=Y")
    fig = figure(response, "status-shares")
    rows = {r["target"]: r for r in chart(response, "status-shares").rows}
    for code in TARGET_CODES:
        stored = ComplianceResult.objects.filter(year=2026, period="Y", target_id=code)
        applicable = stored.exclude(status="not_applicable").count()
        for status in ["met", "missed", "no_baseline", "no_data"]:
            n = stored.filter(status=status).count()
            assert rows[code][f"n_{status}"] == n
            assert rows[code][f"share_{status}"] == (n / applicable if applicable else None)
    # The figure draws exactly those shares, one trace per status, targets in catalogue order.
    names = [charts.wrap_label(t.name, 44) for t in dashboards.target_list()]
    met = next(t for t in fig["data"] if t["y"] == names and t["marker"]["color"] == "#1e7b3c")
    assert met["x"] == [rows[c]["share_met"] or 0 for c in TARGET_CODES]


def _expected_whole(province_code: str, *, level: str = "") -> dict[str, tuple[str, object]]:
    """Per target, (status, value) of a province as a whole, judged here by the pure rule on the summed stored
    results of its subtree (only the units of `level`, when given)."""
    from reporting import rules
    from reporting.selectors import thresholds_for_year

    thresholds = thresholds_for_year(year=2026)
    found = {}
    for target in dashboards.target_list():
        qs = ComplianceResult.objects.filter(year=2026, period="Y", target=target,
                                             unit__path__startswith=f"/TW/{province_code}/")
        if level:
            qs = qs.filter(unit__level=level)
        counts = {s: qs.filter(status=s).count() for s in ("met", "missed", "no_baseline", "no_data",
                                                            "not_applicable")}
        applying = qs.exclude(status="not_applicable")
        result = rules.aggregate(
            target.comparison, thresholds[target.code].threshold, status_counts=counts,
            numerator=sum(applying.values_list("numerator", flat=True)),
            denominator=sum(applying.values_list("denominator", flat=True)),
            baseline=sum(b or 0 for b in applying.values_list("baseline", flat=True)))
        found[target.code] = (result.status, result.value)
    return found


def test_heatmap_cell_of_a_province_is_the_province_as_a_whole_with_its_own_records_beside_it(
        client, reviewer, tree_results):
    response = login(client, reviewer).get("/dashboard/?year=2026&period=Y")
    fig = figure(response, "provinces")
    heat = fig["data"][0]
    # Columns are the targets' full names (the hover's), labelled by their short names, Vietnamese by default.
    labels = [label.replace("<br>", " ") for label in fig["layout"]["xaxis"]["ticktext"]]
    assert labels[:3] == ["Giảm văn bản", "Giảm hội nghị", "Tỷ lệ họp trực tiếp"]
    with translation.override("vi"):
        assert labels == [charts.short_name(t) for t in dashboards.target_list()]
        assert heat["x"] == [t.name for t in dashboards.target_list()]
    assert fig["layout"]["xaxis"]["tickvals"] == list(range(len(heat["x"])))  # by position: names sent once
    assert [t.code for t in dashboards.target_list()] == TARGET_CODES
    assert len(heat["y"]) == 2  # provinces 01 and 79
    order = dashboards.STATUS_ORDER
    differs = 0
    for row_index, code in enumerate(["01", "79"]):
        whole = _expected_whole(code)
        for col_index, target in enumerate(TARGET_CODES):
            own = ComplianceResult.objects.get(unit__code=code, year=2026, period="Y", target_id=target)
            status = order[heat["z"][row_index][col_index]]
            assert status == whole[target][0], (code, target)
            assert heat["text"][row_index][col_index] == charts.STATUS_SYMBOLS[status]
            # The hover says the whole and, beside it, the province's own records.
            hover = heat["hovertext"][row_index][col_index]
            assert hover.startswith(f"Tổng thể: {charts.status_label(status)}")
            assert f"Số liệu của chính đơn vị: {charts.status_label(own.status)}" in hover
            differs += status != own.status
    assert differs  # the data makes the whole and the own records differ somewhere
    assert chart(response, "provinces").click_urls[0].startswith("/dashboard/province/01/?")


def test_the_national_heat_map_honours_the_level_filter(client, reviewer, tree_results):
    login(client, reviewer)
    everything = figure(client.get("/dashboard/?year=2026&period=Y"), "provinces")["data"][0]["z"]
    response = client.get("/dashboard/?year=2026&period=Y&level=commune")
    heat = figure(response, "provinces")["data"][0]
    order = dashboards.STATUS_ORDER
    for row_index, code in enumerate(["01", "79"]):
        communes = _expected_whole(code, level="commune")
        for col_index, target in enumerate(TARGET_CODES):
            assert order[heat["z"][row_index][col_index]] == communes[target][0], (code, target)
    assert heat["z"] != everything
    # A province opened from it keeps the filter.
    assert "level=commune" in chart(response, "provinces").click_urls[0]
    # A level no unit has: the provinces are there, with no cell.
    empty = figure(client.get("/dashboard/?year=2026&period=Y&level=district"), "provinces")["data"][0]
    assert len(empty["y"]) == 2 and all(cell is None for row in empty["z"] for cell in row)


def test_trend_sums_the_stored_counts_per_year(client, reviewer, tree):
    for year, current in [(2025, 100), (2026, 80)]:
        for code in ["01", "00070", "79"]:
            result_for(tree[code], "DOC_REDUCTION", "met", year=year, numerator=current, baseline=current + 20)
            result_for(tree[code], "MEETING_REDUCTION", "met", year=year, numerator=current // 10,
                       baseline=current // 10 + 2)
    response = login(client, reviewer).get("/dashboard/?year=2026")
    rows = [{key: r[key] for key in ("year", "documents", "conferences")} for r in chart(response, "trend").rows]
    assert rows == [
        {"year": 2024, "documents": 360, "conferences": 36},
        {"year": 2025, "documents": 300, "conferences": 30},
        {"year": 2026, "documents": 240, "conferences": 24},
    ]
    fig = figure(response, "trend")
    assert fig["data"][0]["y"] == [360, 300, 240]


def test_histogram_counts_every_stored_reduction_value(client, reviewer, tree):
    values = {"01": "0.1500", "79": "0.1499", "00070": "-0.7000", "00004": "0.9000", "26734": "0.0500"}
    for code, value in values.items():
        result_for(tree[code], "DOC_REDUCTION", "met" if Decimal(value) >= Decimal("0.15") else "missed",
                   value=Decimal(value))
    result_for(tree["26740"], "DOC_REDUCTION", "no_baseline")
    response = login(client, reviewer).get("/dashboard/?year=2026")
    rows = {r["bin"]: r["units"] for r in chart(response, "doc-reduction").rows}
    assert sum(rows.values()) == 5
    assert rows["15…20 %"] == 1 and rows["10…15 %"] == 1 and rows["< -50 %"] == 1 and rows["≥ 60 %"] == 1
    assert rows["5…10 %"] == 1
    fig = figure(response, "doc-reduction")
    assert fig["layout"]["shapes"][0]["x0"] == 15.0


# -- filters ---------------------------------------------------------------------------------------
def test_filters_in_the_url_narrow_the_units(client, reviewer, tree_results):
    login(client, reviewer)
    communes = client.get("/dashboard/?year=2026&period=Y&level=commune")
    rows = {r["target"]: r for r in chart(communes, "status-shares").rows}
    assert rows["DOC_REDUCTION"]["units"] + rows["DOC_REDUCTION"]["not_applicable"] == 4
    hanoi = client.get("/dashboard/?year=2026&period=Y&province=01")
    rows = {r["target"]: r for r in chart(hanoi, "status-shares").rows}
    assert rows["MEETING_REDUCTION"]["units"] + rows["MEETING_REDUCTION"]["not_applicable"] == 4  # 01, 2 communes, agency
    assert len(figure(hanoi, "provinces")["data"][0]["y"]) == 1
    assert hanoi.context["filters"].province == "01"
    assert 'value="01" selected' in hanoi.content.decode()


def test_invalid_filters_fall_back_to_defaults(client, reviewer, tree_results):
    response = login(client, reviewer).get("/dashboard/?year=abc&period=Q9&level=x&province=bad")
    assert response.status_code == 200
    f = response.context["filters"]
    assert (f.year, f.period, f.level, f.province) == (2026, "Y", "", "")


def test_quarter_to_date_period_reads_that_periods_results(client, reviewer, tree):
    result_for(tree["01"], "DOC_REDUCTION", "missed", period="Q3")
    result_for(tree["01"], "DOC_REDUCTION", "met", period="Y")
    response = login(client, reviewer).get("/dashboard/?year=2026&period=Q3")
    rows = {r["target"]: r for r in chart(response, "status-shares").rows}
    assert rows["DOC_REDUCTION"]["n_missed"] == 1 and rows["DOC_REDUCTION"]["n_met"] == 0


# -- CSV -------------------------------------------------------------------------------------------
def test_every_chart_downloads_as_csv(client, reviewer, tree_results):
    login(client, reviewer)
    for chart_id in ["status-shares", "provinces", "trend", "doc-reduction"]:
        response = client.get(f"/dashboard/?year=2026&period=Y&format=csv&chart={chart_id}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows, chart_id
    response = client.get("/dashboard/?year=2026&period=Y&format=csv&chart=provinces")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    own = ComplianceResult.objects.get(unit__code="79", year=2026, period="Y", target_id="DOC_REDUCTION")
    row = next(r for r in rows if r["code"] == "79")
    assert row["DOC_REDUCTION"] == _expected_whole("79")["DOC_REDUCTION"][0]
    assert row["DOC_REDUCTION_own"] == own.status
    assert client.get("/dashboard/?format=csv&chart=nope").status_code == 404


def test_status_shares_csv_holds_fractions_with_four_decimals(client, reviewer, tree_results):
    response = login(client, reviewer).get("/dashboard/?year=2026&format=csv&chart=status-shares")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["target"] == "DOC_REDUCTION")
    assert len(row["share_met"].split(".")[1]) == 4


# -- bounded queries -------------------------------------------------------------------------------
def _overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/dashboard/?year=2026&period=Y")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def lone_reviewer(db):
    """A reviewer without the small tree, for tests that build their own."""
    return UserFactory(username="lone-reviewer", role="reviewer", unit=None)


def test_overview_runs_the_same_number_of_queries_for_3_and_30_provinces(client, lone_reviewer):
    login(client, lone_reviewer)
    provinces_with_results(3)
    small = _overview_queries(client)
    assert len(client.get("/dashboard/?year=2026").context["charts"][1].rows) == 3
    ComplianceResult.objects.all().delete()
    provinces_with_results(30)  # get_or_create: provinces 01-03 are reused, 04-30 added
    large = _overview_queries(client)
    assert len(client.get("/dashboard/?year=2026").context["charts"][1].rows) == 30
    assert small == large
    # 11 for the figures, 2 for the banners (a failed recompute, a policy change waiting), 1 for the open signals;
    # 3 for the provinces as a whole (their roll-ups; none is stored here: the thresholds and one GROUP BY)
    assert large <= 17


def test_province_page_runs_a_fixed_number_of_queries(client, lone_reviewer):
    login(client, lone_reviewer)
    provinces_with_results(2, communes_per_province=3)
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/province/01/?year=2026")
    ComplianceResult.objects.all().delete()
    provinces_with_results(2, communes_per_province=25)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/dashboard/province/01/?year=2026")
    assert len(response.context["table"]) == 25
    assert len(few.captured_queries) == len(many.captured_queries)


def test_province_page_shows_the_units_table_a_page_at_a_time_and_its_csv_every_unit(client, lone_reviewer):
    login(client, lone_reviewer)
    provinces_with_results(1, communes_per_province=3)
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/province/01/?year=2026")
    ComplianceResult.objects.all().delete()
    provinces_with_results(1, communes_per_province=60)
    with CaptureQueriesContext(connection) as many:
        first = client.get("/dashboard/province/01/?year=2026&sort=code")
    assert len(few.captured_queries) == len(many.captured_queries)
    page = first.content.decode()
    assert page.count('<th scope="row"><a href="/dashboard/unit/01') == 50  # the table's rows on the page
    assert [row["code"] for row in first.context["units_page"]][:2] == ["01000", "01001"]
    assert 'page=2#units" rel="next"' in page and "sort=code" in page.split('rel="next"')[0].rsplit("href=", 1)[1]
    second = client.get("/dashboard/province/01/?year=2026&sort=code&page=2")
    assert [row["code"] for row in second.context["units_page"]] == [f"01{c:03d}" for c in range(50, 60)]
    beyond = client.get("/dashboard/province/01/?year=2026&sort=code&page=99")  # past the end: the last page
    assert beyond.context["units_page"].number == 2
    units_csv = client.get("/dashboard/province/01/?year=2026&sort=code&format=csv&chart=units")
    assert len(list(csv.DictReader(io.StringIO(units_csv.content.decode("utf-8-sig"))))) == 60


def test_province_heatmap_points_to_the_units_table_instead_of_repeating_it(client, reviewer, tree_results):
    page = login(client, reviewer).get("/dashboard/province/01/?year=2026").content.decode()
    assert 'data-chart-table="units-heatmap"' not in page
    assert '<a href="#units">' in page and 'id="units"' in page
    overview = client.get("/dashboard/?year=2026").content.decode()
    assert 'data-chart-table="provinces"' in overview  # elsewhere every chart keeps its own table


# -- province page ---------------------------------------------------------------------------------
def test_province_table_puts_offenders_first_and_sorts(client, reviewer, tree):
    result_for(tree["00070"], "DOC_REDUCTION", "met", value=Decimal("0.3000"))
    result_for(tree["00004"], "DOC_REDUCTION", "missed", value=Decimal("0.0100"))
    result_for(tree["00004"], "MEETING_REDUCTION", "missed")
    result_for(tree["01-VP"], "DOC_REDUCTION", "missed", value=Decimal("0.1000"))
    login(client, reviewer)
    response = client.get("/dashboard/province/01/?year=2026")
    assert [r["code"] for r in response.context["table"]] == ["00004", "01-VP", "00070"]
    by_value = client.get("/dashboard/province/01/?year=2026&sort=-DOC_REDUCTION")
    assert [r["code"] for r in by_value.context["table"]] == ["00070", "01-VP", "00004"]
    by_name = client.get("/dashboard/province/01/?year=2026&sort=name")
    assert [r["name"] for r in by_name.context["table"]] == sorted(r["name"] for r in by_name.context["table"])
    units_csv = client.get("/dashboard/province/01/?year=2026&format=csv&chart=units")
    rows = list(csv.DictReader(io.StringIO(units_csv.content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == ["00004", "01-VP", "00070"]
    assert rows[0]["DOC_REDUCTION_status"] == "missed" and rows[0]["DOC_REDUCTION_value"] == "0.0100"


def test_province_charts_cover_only_the_province_subtree(client, reviewer, tree_results):
    response = login(client, reviewer).get("/dashboard/province/79/?year=2026")
    rows = {r["target"]: r for r in chart(response, "status-shares").rows}
    stored = ComplianceResult.objects.filter(year=2026, period="Y", target_id="DOC_REDUCTION",
                                             unit__code__in=["79", "26734", "26740"])
    assert rows["DOC_REDUCTION"]["units"] == stored.exclude(status="not_applicable").count()
    heat = figure(response, "units-heatmap")["data"][0]
    assert [y.rsplit("(", 1)[1].rstrip(")") for y in heat["y"]] == ["79", "26734", "26740"]


# -- unit page -------------------------------------------------------------------------------------
def test_unit_page_explains_a_document_miss_with_the_allowed_count(client, reviewer, tree):
    # allowed = floor(1000 * (1 - 0.15)) = 850; 900 issued → 50 above.
    result_for(tree["00070"], "DOC_REDUCTION", "missed", numerator=900, baseline=1000, denominator=1000,
               value=Decimal("0.1000"))
    response = login(client, reviewer).get("/dashboard/unit/00070/?year=2026&period=Y")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["target"].code == "DOC_REDUCTION")
    assert "50" in row["reason"] and "850" in row["reason"]
    assert "/documents/" in response.context["links"]["documents"]
    assert "unit_code=00070" in response.context["links"]["documents"]


def test_unit_page_lists_offending_conferences_with_links(client, reviewer, tree):
    result_for(tree["00070"], "CONFERENCE_DURATION", "missed", numerator=3, denominator=4, value=Decimal("0.75"),
               details={"inputs": {"complying": 3, "recorded": 4, "offending": 1},
                        "offenders": [{"id": 4242, "title": "Hội nghị quán triệt", "held_on": "2026-03-02",
                                       "category": "dissemination", "figure": "1.0", "limit": "0.5"}],
                        "offenders_total": 1})
    response = login(client, reviewer).get("/dashboard/unit/00070/?year=2026")
    body = response.content.decode()
    assert 'href="/conferences/4242/"' in body
    assert "Hội nghị quán triệt" in body
    row = next(r for r in response.context["rows"] if r["target"].code == "CONFERENCE_DURATION")
    assert row["offenders"][0]["reason"]


def test_unit_page_shows_year_by_year_and_quarters(client, reviewer, tree):
    for year in (2025, 2026):
        result_for(tree["00070"], "DOC_REDUCTION", "met", year=year)
    for period in ("Q1", "Q2"):
        result_for(tree["00070"], "DOC_REDUCTION", "missed", period=period)
    response = login(client, reviewer).get("/dashboard/unit/00070/?year=2026")
    row = next(r for r in response.context["rows"] if r["target"].code == "DOC_REDUCTION")
    assert [c["year"] for c in row["by_year"]] == [2025, 2026]
    assert [c["result"].status if c["result"] else None for c in row["quarters"]] == [
        "missed", "missed", None, None, "met"]
    values = chart(response, "unit-values").rows
    assert next(r for r in values if r["target"] == "DOC_REDUCTION")["value"] == Decimal("0.3000")


# -- officer outlook -------------------------------------------------------------------------------
def test_officer_outlook_says_how_many_more_documents_are_allowed(tree):
    # allowed = floor(1000 * 0.85) = 850; 732 so far → at most 118 more.
    result_for(tree["01"], "DOC_REDUCTION", "met", numerator=732, baseline=1000, denominator=1000,
               value=Decimal("0.2680"))
    outlook = {row["target"].code: row for row in dashboards.officer_outlook(tree["01"], 2026)}
    assert "118" in outlook["DOC_REDUCTION"]["advice"]
    assert outlook["DOC_REDUCTION"]["tone"] == "ok"


def test_officer_outlook_when_the_count_is_already_over(tree):
    result_for(tree["01"], "DOC_REDUCTION", "missed", numerator=900, baseline=1000, denominator=1000,
               value=Decimal("0.1000"))
    result_for(tree["01"], "MEETING_ONLINE_SHARE", "missed", numerator=6, denominator=10, value=Decimal("0.6"))
    result_for(tree["01"], "DOC_DIGITIZATION", "missed", numerator=90, denominator=100, value=Decimal("0.9"))
    result_for(tree["01"], "PROVINCE_WIDE_CAP", "met", numerator=1, value=Decimal(1))
    outlook = {row["target"].code: row for row in dashboards.officer_outlook(tree["01"], 2026)}
    assert "50" in outlook["DOC_REDUCTION"]["advice"] and outlook["DOC_REDUCTION"]["tone"] == "bad"
    # 6 in person of 10: 6/0.4 - 10 = 5 more online conferences bring it to 40 %.
    assert "5" in outlook["MEETING_ONLINE_SHARE"]["advice"]
    # 90 of 100: (0.95*100 - 90) / 0.05 = 100 more documents, all digitised.
    assert "100" in outlook["DOC_DIGITIZATION"]["advice"]
    assert "1" in outlook["PROVINCE_WIDE_CAP"]["advice"]


def test_numbers_in_reasons_and_outlook_are_grouped_for_the_language(tree):
    from django.utils import translation

    r = result_for(tree["01"], "DOC_REDUCTION", "missed", numerator=6716, baseline=7539, denominator=7539,
                   value=Decimal("0.1092"))
    # allowed = floor(7539 * 0.85) = 6408; 6716 issued: 308 above.
    with translation.override("en"):
        assert "(6,716 issued, at most 6,408 allowed against 7,539 the year before)" in dashboards.miss_reason(r)
        outlook = {row["target"].code: row for row in dashboards.officer_outlook(tree["01"], 2026)}
        assert "308" in outlook["DOC_REDUCTION"]["advice"] and "6,408" in outlook["DOC_REDUCTION"]["advice"]
    with translation.override("vi"):
        reason = dashboards.miss_reason(r)
        assert "6.716" in reason and "6.408" in reason and "7.539" in reason and "6716" not in reason
        outlook = {row["target"].code: row for row in dashboards.officer_outlook(tree["01"], 2026)}
        assert "6.408" in outlook["DOC_REDUCTION"]["advice"]


def test_officer_outlook_panel_renders_for_the_signed_in_officer(client, officer_hn, tree):
    from django.template import Context, Template
    from django.test import RequestFactory

    result_for(tree["01"], "DOC_REDUCTION", "met", numerator=732, baseline=1000, year=2026)
    request = RequestFactory().get("/")
    request.user = officer_hn
    html = Template("{% load dashboard_tags %}{% officer_outlook_panel year=2026 %}").render(
        Context({"user": officer_hn, "request": request}))
    assert "118" in html
    assert "/dashboard/unit/01/" in html


# -- languages -------------------------------------------------------------------------------------
def test_vietnamese_page_uses_vietnamese_names_and_number_format(client, reviewer, tree):
    result_for(tree["01"], "DOC_REDUCTION", "met", value=Decimal("0.2550"))
    login(client, reviewer)
    client.cookies["django_language"] = "vi"
    response = client.get("/dashboard/?year=2026")
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Giảm số văn bản hành chính" in body
    assert figure(response, "status-shares")["layout"]["separators"] == ",."
    assert figure(response, "provinces")["layout"]["xaxis"]["ticktext"][:2] == ["Giảm văn<br>bản", "Giảm hội<br>nghị"]
    unit = client.get("/dashboard/unit/01/?year=2026")
    assert "25,5 %" in unit.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/dashboard/unit/01/?year=2026")
    assert "25.5 %" in english.content.decode()
    assert "Reduce administrative documents" in english.content.decode()
    overview = client.get("/dashboard/?year=2026")
    assert figure(overview, "provinces")["layout"]["xaxis"]["ticktext"][:2] == ["Fewer<br>documents",
                                                                               "Fewer<br>conferences"]


# -- end to end with the engine --------------------------------------------------------------------
def test_charts_show_what_the_engine_stored_from_records(client, reviewer, tree):
    import datetime

    from reporting.services import compliance_compute
    from tests.factories import ConferenceFactory, DocumentFactory

    plan = {"00070": (20, 15), "00004": (10, 9), "26734": (8, 8), "01": (30, 20)}  # documents 2025, 2026
    for code, (before, now) in plan.items():
        for i in range(before):
            DocumentFactory(unit=tree[code], issued_on=datetime.date(2025, 3, 10), number=f"{i + 1}/QĐ-UBND")
        for i in range(now):
            DocumentFactory(unit=tree[code], issued_on=datetime.date(2026, 3, 10), number=f"{i + 1}/QĐ-UBND",
                            is_digitized=i % 4 != 0)
    for year, n in [(2025, 5), (2026, 3)]:
        for i in range(n):
            ConferenceFactory(unit=tree["00070"], held_on=datetime.date(year, 4, 2),
                              format="in_person" if i == 0 else "online")
    ConferenceFactory(unit=tree["00070"], held_on=datetime.date(2026, 4, 3), category="dissemination",
                      duration_days=Decimal("1.0"), title="Hội nghị quá dài")
    compliance_compute(year=2025)
    compliance_compute(year=2026)

    login(client, reviewer)
    response = client.get("/dashboard/?year=2026&period=Y")
    stored = ComplianceResult.objects.filter(year=2026, period="Y")
    rows = {r["target"]: r for r in chart(response, "status-shares").rows}
    for code in TARGET_CODES:
        for status in ["met", "missed", "no_baseline", "no_data"]:
            assert rows[code][f"n_{status}"] == stored.filter(target_id=code, status=status).count(), (code, status)
    heat = figure(response, "provinces")["data"][0]
    for row_index, code in enumerate(["01", "79"]):  # each province as a whole: the engine's stored roll-up
        for col_index, target in enumerate(TARGET_CODES):
            rollup = ComplianceRollup.objects.get(unit__code=code, year=2026, period="Y", target_id=target)
            assert dashboards.STATUS_ORDER[heat["z"][row_index][col_index]] == rollup.status
    # Every unit here is of the state block: narrowed to it, the provinces judged from their units' results are
    # the engine's roll-ups, cell for cell.
    assert {u.block for u in tree.values()} == {"state"}
    state = figure(client.get("/dashboard/?year=2026&period=Y&block=state"), "provinces")["data"][0]
    assert state["z"] == heat["z"] and state["hovertext"] == heat["hovertext"]
    trend = {r["year"]: r for r in chart(response, "trend").rows}
    docs_2026 = sum(stored.filter(target_id="DOC_REDUCTION").values_list("numerator", flat=True))
    assert trend[2026]["documents"] == docs_2026 == sum(now for _b, now in plan.values())
    assert trend[2025]["documents"] == sum(before for before, _n in plan.values())
    histogram = chart(response, "doc-reduction").rows
    assert sum(r["units"] for r in histogram) == stored.filter(target_id="DOC_REDUCTION", value__isnull=False).count()

    unit_page = client.get("/dashboard/unit/00070/?year=2026&period=Y")
    for row in chart(unit_page, "unit-values").rows:
        result = stored.get(unit__code="00070", target_id=row["target"])
        assert (row["status"], row["value"], row["threshold"]) == (result.status, result.value, result.threshold)
    duration = next(r for r in unit_page.context["rows"] if r["target"].code == "CONFERENCE_DURATION")
    assert duration["result"].status == "missed"
    long_one = duration["offenders"][0]
    assert long_one["title"] == "Hội nghị quá dài" and long_one["url"].startswith("/conferences/")
    assert f'href="{long_one["url"]}"' in unit_page.content.decode()


def _without_template(figure_json: dict) -> dict:
    figure_json.get("layout", {}).pop("template", None)
    return figure_json


def test_every_figure_spec_is_valid_plotly_as_sent(client, reviewer, tree_results):
    """The specs skip plotly's validation at request time; here plotly validates them, and the JSON the page
    sends must be what the validated figure would send (no magic underscores, no unknown properties)."""
    login(client, reviewer)
    pages = ["/dashboard/?year=2026", "/dashboard/province/01/?year=2026", "/dashboard/unit/00070/?year=2026"]
    for url in pages:
        for c in client.get(url).context["charts"]:
            sent = json.loads(c.figure.to_json())
            validated = _without_template(json.loads(c.figure.to_figure().to_json()))
            assert sent == validated, (url, c.id)
