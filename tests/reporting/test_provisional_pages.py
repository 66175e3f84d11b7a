"""Dashboards that say what their figures are: "provisional, to 1 Dec" on a running period (never on a final
one), a trend on the same window each year, counts of a year before the targets apply with the year they apply
from, and "no records" instead of an empty plot."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reform.models import TargetThreshold
from reporting.services import compliance_compute
from tests.factories import PASSWORD

from .helpers import confs, docs, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

ON_1_DECEMBER = date(2026, 12, 1)
BADGE_VI, BADGE_EN = "tạm tính, đến 01/12", "provisional, to 1 Dec"


def login(client, user, language: str = "vi"):
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = language
    return client


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


def figure(response, chart_id) -> dict:
    return json.loads(chart(response, chart_id).figure.to_json())


@pytest.fixture
def running_year(tree):
    """Records in 2025 (some after 1 December) and 2026; 2025 computed final, 2026 on 1 December (provisional)."""
    for code, before, late, now in (("00070", 20, 6, 15), ("00004", 10, 2, 9), ("01", 30, 4, 20)):
        docs(tree[code], before, date(2025, 3, 10))
        docs(tree[code], late, date(2025, 12, 15))  # after 1 December: in the whole year, not in the same window
        docs(tree[code], now, date(2026, 3, 10))
    confs(tree["00070"], 5, date(2025, 4, 2), format="online")
    confs(tree["00070"], 3, date(2026, 4, 2), format="online")
    compliance_compute(year=2025, as_of=ON_1_DECEMBER)
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)
    return tree


# --- the badge ---------------------------------------------------------------------------------------------

def test_overview_of_a_running_year_shows_the_provisional_badge_in_vietnamese(client, reviewer, running_year):
    response = login(client, reviewer).get("/dashboard/?year=2026&period=Y")
    body = response.content.decode()
    assert BADGE_VI in body and 'class="badge badge--warn badge--provisional"' in body
    for chart_id in ("status-shares", "provinces", "trend", "doc-reduction"):
        assert chart(response, chart_id).subtitle == "tạm tính, đến 01/12/2026", chart_id
    # The figure itself carries it (a downloaded image keeps it).
    assert figure(response, "status-shares")["layout"]["title"]["text"] == "tạm tính, đến 01/12/2026"


def test_overview_of_a_running_year_shows_the_provisional_badge_in_english(client, reviewer, running_year):
    response = login(client, reviewer, "en").get("/dashboard/?year=2026&period=Y")
    body = response.content.decode()
    assert BADGE_EN in body and BADGE_VI not in body
    assert chart(response, "provinces").subtitle == "provisional, to 1 Dec 2026"


def test_final_figures_show_no_badge(client, reviewer, running_year):
    login(client, reviewer)
    for url in ("/dashboard/?year=2025&period=Y", "/dashboard/?year=2026&period=Q3",
                "/dashboard/province/01/?year=2025"):
        response = client.get(url)
        body = response.content.decode()
        assert "tạm tính" not in body and "badge--provisional" not in body, url
        assert all(not c.subtitle for c in response.context["charts"]), url
    # A unit's page of 2025: nothing marked but the 2026 column of its year-by-year table.
    unit = client.get("/dashboard/unit/00070/?year=2025")
    body = unit.content.decode()
    assert "data-provisional" not in body and not chart(unit, "unit-values").subtitle
    assert body.count(BADGE_VI) == 1 and body.index(BADGE_VI) > body.index('id="by-year"')
    english = login(client, reviewer, "en").get("/dashboard/?year=2025")
    assert "provisional, to" not in english.content.decode() and "badge--provisional" not in english.content.decode()


def test_province_and_unit_pages_mark_the_running_year(client, reviewer, running_year):
    login(client, reviewer)
    province = client.get("/dashboard/province/01/?year=2026")
    assert BADGE_VI in province.content.decode()
    unit = client.get("/dashboard/unit/00070/?year=2026&period=Y")
    body = unit.content.decode()
    assert body.count(BADGE_VI) >= 3  # the page, the targets' heading, the 2026 column of the year-by-year table
    assert chart(unit, "unit-values").subtitle == "tạm tính, đến 01/12/2026"
    english = login(client, reviewer, "en").get("/dashboard/unit/00070/?year=2026&period=Y")
    assert BADGE_EN in english.content.decode()


def test_chart_csv_says_whether_its_figures_are_provisional(client, reviewer, running_year):
    login(client, reviewer)
    running = client.get("/dashboard/?year=2026&format=csv&chart=status-shares")
    rows = list(csv.DictReader(io.StringIO(running.content.decode("utf-8-sig"))))
    assert {(r["provisional"], r["window_end"]) for r in rows} == {("true", "2026-12-01")}
    final = client.get("/dashboard/?year=2025&format=csv&chart=status-shares")
    rows = list(csv.DictReader(io.StringIO(final.content.decode("utf-8-sig"))))
    assert {(r["provisional"], r["window_end"]) for r in rows} == {("false", "")}


def test_officer_outlook_marks_the_year_so_far_as_provisional(officer_hn, running_year):
    from django.template import Context, Template
    from django.utils import translation

    panel = Template("{% load dashboard_tags %}{% officer_outlook_panel year=year %}")
    with translation.override("vi"):
        assert BADGE_VI in panel.render(Context({"user": officer_hn, "year": 2026}))
        assert "tạm tính" not in panel.render(Context({"user": officer_hn, "year": 2025}))
    with translation.override("en"):
        assert BADGE_EN in panel.render(Context({"user": officer_hn, "year": 2026}))


# --- the trend: the same window each year ------------------------------------------------------------------

def test_trend_of_a_running_year_sets_it_against_the_same_window_of_the_year_before(client, reviewer,
                                                                                   running_year):
    response = login(client, reviewer).get("/dashboard/?year=2026&period=Y")
    rows = chart(response, "trend").rows
    whole = {r["year"]: r for r in rows if not r["same_window"]}
    same = {r["year"]: r for r in rows if r["same_window"]}
    # 2025 as a whole year counts the documents of December; on the window of 2026 (to 1 December) it does not.
    assert whole[2025]["documents"] == 20 + 6 + 10 + 2 + 30 + 4
    assert same[2025]["documents"] == 20 + 10 + 30 and same[2025]["window_end"] == date(2025, 12, 1)
    assert same[2026]["documents"] == 15 + 9 + 20 and same[2026]["provisional"] is True
    assert 2026 not in whole  # a part year is never drawn on the whole years' line
    fig = figure(response, "trend")
    solid = [t for t in fig["data"] if t["line"].get("dash") != "dash"]
    dashed = [t for t in fig["data"] if t["line"].get("dash") == "dash"]
    assert all("2026" not in t["x"] for t in solid)
    assert {tuple(t["x"]) for t in dashed} == {("2025", "2026")}
    assert dashed[0]["y"] == [60, 44] and "01/01–01/12" in dashed[0]["name"]
    trend_csv = client.get("/dashboard/?year=2026&format=csv&chart=trend").content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(trend_csv)))
    assert {(r["year"], r["window_end"], r["provisional"], r["documents"]) for r in lines} >= {
        ("2025", "2025-12-01", "false", "60"), ("2026", "2026-12-01", "true", "44"),
        ("2025", "2025-12-31", "false", "72")}


# --- counts are not verdicts -------------------------------------------------------------------------------

@pytest.fixture
def three_years(tree):
    """Documents in 2023, 2024 (before the targets apply) and 2025; each year computed and final."""
    docs(tree["00070"], 7, date(2023, 4, 1))
    docs(tree["00070"], 12, date(2024, 4, 1))
    docs(tree["00004"], 5, date(2024, 5, 1))
    confs(tree["00004"], 3, date(2024, 4, 1))
    docs(tree["00070"], 9, date(2025, 4, 1))
    for year in (2024, 2025):
        compliance_compute(year=year, as_of=ON_1_DECEMBER)
    return tree


def test_trend_shows_the_counts_of_a_year_before_the_targets_apply_and_when_they_apply(client, reviewer,
                                                                                      three_years):
    response = login(client, reviewer).get("/dashboard/?year=2025")
    trend = chart(response, "trend")
    by_year = {r["year"]: r for r in trend.rows}
    assert by_year[2024]["documents"] == 17 and by_year[2024]["conferences"] == 3
    assert by_year[2023]["documents"] == 7
    assert "Các mục tiêu áp dụng từ năm 2025" in trend.note
    assert "Các mục tiêu áp dụng từ năm 2025" in response.content.decode()
    line = figure(response, "trend")["layout"]["shapes"][0]
    assert line["x0"] == 1.5  # between 2024 and 2025 on the category axis (2023, 2024, 2025)
    english = login(client, reviewer, "en").get("/dashboard/?year=2025")
    assert "The targets apply from 2025" in chart(english, "trend").note


def test_the_year_the_targets_apply_from_is_read_from_the_thresholds(client, reviewer, three_years):
    TargetThreshold.objects.filter(applies_from=2025).update(applies_from=2024)
    response = login(client, reviewer).get("/dashboard/?year=2025")
    assert "Các mục tiêu áp dụng từ năm 2024" in chart(response, "trend").note


def test_a_year_before_the_targets_apply_has_counts_and_no_verdict(client, reviewer, three_years):
    response = login(client, reviewer).get("/dashboard/?year=2024")
    body = response.content.decode()
    assert "Các mục tiêu áp dụng từ năm 2025" in body
    assert {r["year"]: r["documents"] for r in chart(response, "trend").rows}[2024] == 17
    for chart_id in ("status-shares", "doc-reduction"):  # no verdict, no target line: the note instead
        assert "Các mục tiêu áp dụng từ năm 2025" in chart(response, chart_id).empty_message
        assert f'id="fig-{chart_id}"' not in body
    unit = client.get("/dashboard/unit/00070/?year=2024")
    assert "Các mục tiêu áp dụng từ năm 2025" in unit.content.decode()
    assert 'id="fig-unit-values"' not in unit.content.decode()


# --- an empty year -----------------------------------------------------------------------------------------

def test_an_empty_year_says_no_records_instead_of_drawing_empty_axes(client, reviewer, tree):
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)  # nothing recorded anywhere
    response = login(client, reviewer).get("/dashboard/?year=2026")
    body = response.content.decode()
    for chart_id in ("trend", "doc-reduction", "status-shares"):
        assert chart(response, chart_id).empty_message == "Chưa có dữ liệu.", chart_id
        assert f'id="fig-{chart_id}"' not in body and f'id="chart-{chart_id}"' not in body
        assert f'data-chart-empty="{chart_id}"' in body
    english = login(client, reviewer, "en").get("/dashboard/province/01/?year=2026")
    assert chart(english, "trend").empty_message == "No records yet."


def test_small_counts_get_whole_number_ticks(client, reviewer, tree):
    docs(tree["00070"], 2, date(2025, 4, 1))
    docs(tree["00070"], 1, date(2026, 4, 1))
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)
    response = login(client, reviewer).get("/dashboard/?year=2026")
    trend = figure(response, "trend")["layout"]
    assert trend["yaxis"]["dtick"] == 1 and trend["yaxis"]["tickformat"] == ",d"
    assert trend["yaxis"]["range"][0] == 0
    histogram = figure(response, "doc-reduction")["layout"]["yaxis"]
    assert histogram["dtick"] == 1 and histogram["tickformat"] == ",d" and histogram["range"][0] == 0


# --- bounded queries ---------------------------------------------------------------------------------------

def test_the_badge_costs_no_query(client, reviewer, running_year):
    """Provisional or final, the overview runs the same number of queries."""
    login(client, reviewer)
    client.get("/dashboard/?year=2026")
    with CaptureQueriesContext(connection) as running:
        client.get("/dashboard/?year=2026")
    with CaptureQueriesContext(connection) as final:
        client.get("/dashboard/?year=2025")
    assert len(running.captured_queries) == len(final.captured_queries) <= 13
