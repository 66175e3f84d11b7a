"""The integrity signals where reviewers and officers look: the signals page (filters, severity order, CSV, reviews),
the count on the national overview and the province page, the unit page with evidence, links and what would clear
each signal, the period report before approval and its export."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone as dt_timezone

import openpyxl
import pytest

from reporting.choices import ReviewState, SignalKind
from reporting.models import Signal
from reports.exports import render
from reports.models import PeriodReport
from reports.periods import ReportingPeriod
from reports.selectors import export_data
from tests.factories import choose_language

from .helpers import seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def plant(unit, kind=SignalKind.NUMBER_GAPS, severity="warning", key="qđ-ubnd", year=2025, **extra):
    params = {"missing": 3, "expected": 10, "series": "QĐ-UBND"} if kind == SignalKind.NUMBER_GAPS else {
        "quarters": "Q4/2025"}
    return Signal.objects.create(unit=unit, year=year, kind=kind, key=key, severity=severity,
                                 rank={"critical": 0, "warning": 1, "info": 2}[severity], params=params,
                                 evidence={"missing": 3, "missing_numbers": [2, 5, 7]},
                                 computed_at=datetime(2026, 1, 1, tzinfo=dt_timezone.utc), **extra)


def page(client, user, url, **params):
    client.force_login(user)
    choose_language(client, "en")
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def test_the_signals_page_lists_critical_first_and_filters_by_province_level_kind_severity(client, tree, reviewer):
    plant(tree["00070"], severity="warning")
    plant(tree["26734"], severity="critical")
    plant(tree["01"], kind=SignalKind.MISSING_REPORT, severity="info", key="")
    rows = page(client, reviewer, "/dashboard/signals/", year=2025).context["rows"]
    assert [r["signal"].unit.code for r in rows] == ["26734", "00070", "01"]
    assert [r["signal"].unit.code for r in page(client, reviewer, "/dashboard/signals/", year=2025,
                                                province="01").context["rows"]] == ["00070", "01"]
    assert [r["signal"].unit.code for r in page(client, reviewer, "/dashboard/signals/", year=2025,
                                                level="commune").context["rows"]] == ["26734", "00070"]
    assert [r["signal"].unit.code for r in page(client, reviewer, "/dashboard/signals/", year=2025,
                                                kind="missing_report").context["rows"]] == ["01"]
    assert [r["signal"].unit.code for r in page(client, reviewer, "/dashboard/signals/", year=2025,
                                                severity="critical").context["rows"]] == ["26734"]
    assert "3 of 10 numbers missing in series QĐ-UBND" in page(client, reviewer, "/dashboard/signals/",
                                                                year=2025).content.decode()


def test_the_signals_page_downloads_as_csv(client, tree, reviewer):
    plant(tree["00070"])
    response = page(client, reviewer, "/dashboard/signals/", year=2025, format="csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "00070" in text and "3 of 10 numbers missing in series QĐ-UBND" in text


def test_an_officer_sees_only_their_subtree_on_the_signals_page(client, tree, officer_hn):
    plant(tree["00070"])
    plant(tree["26734"])
    rows = page(client, officer_hn, "/dashboard/signals/", year=2025).context["rows"]
    assert [r["signal"].unit.code for r in rows] == ["00070"]


def test_a_reviewer_explains_a_signal_from_the_page_and_an_officer_cannot(client, tree, reviewer, officer_hn):
    signal = plant(tree["00070"])
    client.force_login(officer_hn)
    refused = client.post(f"/dashboard/signals/{signal.pk}/review/", {"review_state": "confirmed"})
    assert refused.status_code == 403  # as the API answers (it was a redirect with an error message)
    signal.refresh_from_db()
    assert signal.review_state == ReviewState.OPEN
    client.force_login(reviewer)
    client.post(f"/dashboard/signals/{signal.pk}/review/", {"review_state": "explained", "review_comment": ""})
    signal.refresh_from_db()
    assert signal.review_state == ReviewState.OPEN  # an explanation needs a comment
    response = client.post(f"/dashboard/signals/{signal.pk}/review/",
                           {"review_state": "explained", "review_comment": "Numbers voided", "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    signal.refresh_from_db()
    assert (signal.review_state, signal.review_comment, signal.reviewed_by) == (
        ReviewState.EXPLAINED, "Numbers voided", reviewer)
    assert signal.history.filter(review_state=ReviewState.EXPLAINED).exists()


def test_the_overview_and_the_province_page_count_the_open_signals(client, tree, reviewer):
    plant(tree["00070"])
    plant(tree["26734"])
    plant(tree["00004"], review_state=ReviewState.CONFIRMED)
    overview = page(client, reviewer, "/dashboard/", year=2025)
    assert overview.context["open_signals"] == 2 and "2 open integrity signals" in overview.content.decode()
    province = page(client, reviewer, "/dashboard/province/01/", year=2025)
    assert province.context["open_signals"] == 1 and "1 open integrity signal" in province.content.decode()


def test_the_unit_page_lists_its_signals_with_evidence_links_and_what_would_clear_them(client, tree, officer_commune):
    plant(tree["00070"])
    response = page(client, officer_commune, "/dashboard/unit/00070/", year=2025)
    [row] = response.context["signal_rows"]
    html = response.content.decode()
    assert "Numbers 2, 5, 7 are missing: register them or record why." in html
    assert "numbers missing: 3, missing numbers: 2, 5, 7" in html
    assert row["records_url"].endswith("unit_code=00070&year=2025")


def test_the_period_report_shows_the_open_signals_and_its_export_their_reviews(client, tree, reviewer, officer_hn):
    plant(tree["00070"])
    plant(tree["00004"], review_state=ReviewState.EXPLAINED, review_comment="Voided numbers")
    report = PeriodReport.objects.create(unit=tree["01"], year=2025, period="Q4", state="submitted",
                                         window_start=date(2025, 1, 1), window_end=date(2025, 12, 31),
                                         deadline=date(2026, 1, 15))
    response = page(client, reviewer, f"/reports/{report.pk}/")
    signals = response.context["signals"]
    assert [s["unit_code"] for s in signals] == ["00070", "00004"]  # open first
    assert "3 of 10 numbers missing in series QĐ-UBND" in response.content.decode()
    data = export_data(unit=tree["01"], period=ReportingPeriod.parse("2025-Q4"))
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", data)))
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert "Voided numbers" in values


def test_an_officers_home_lists_their_open_signals_with_what_would_clear_them(client, tree, officer_hn):
    plant(tree["00070"])
    plant(tree["26734"])  # another province's
    plant(tree["00004"], review_state=ReviewState.CONFIRMED)
    response = page(client, officer_hn, "/")
    assert [r["signal"].unit.code for r in response.context["signal_rows"]] == ["00070"]
    assert "Numbers 2, 5, 7 are missing: register them or record why." in response.content.decode()
