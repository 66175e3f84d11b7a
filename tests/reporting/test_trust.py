"""Figures a reviewer can trust: the running period judged on the same window of the year before (provisional
until it ends), counts kept for years before the targets apply, caps of units that recorded nothing, and
progress reports that never touch a connection streaming a COPY."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from reporting.choices import Status
from reporting.dashboards import national_trend, scope_trend
from reporting.periods import same_day_year_before
from reporting.services import compliance_compute
from tests.factories import UserFactory

from .helpers import confs, docs, result, rollup, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

D = Decimal
ON_1_DECEMBER = date(2026, 12, 1)


# --- the running year ----------------------------------------------------------------------------------------

def _a_year_of_documents(unit):
    """100 documents before 1 December 2025 and 100 after it; 95 in 2026 before 1 December."""
    docs(unit, 100, date(2025, 6, 1))
    docs(unit, 100, date(2025, 12, 15))
    docs(unit, 95, date(2026, 6, 1))


def test_the_running_year_compares_1_january_to_today_with_the_same_window_of_the_year_before(tree):
    commune = tree["00070"]
    _a_year_of_documents(commune)
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)
    r = result(commune, "DOC_REDUCTION", year=2026)
    # 95 against the 100 of 1 January-1 December 2025: a 5 % fall, missed. Against the whole of 2025 (200) it
    # would have looked like a 52.5 % fall, met.
    assert (r.status, r.numerator, r.baseline, r.value) == (Status.MISSED, 95, 100, D("0.0500"))
    assert (r.provisional, r.window_end) == (True, ON_1_DECEMBER)
    q4 = result(commune, "DOC_REDUCTION", year=2026, period="Q4")
    assert (q4.baseline, q4.provisional, q4.window_end) == (100, True, ON_1_DECEMBER)
    # Q3 ended on 30 September: final, on its whole window.
    q3 = result(commune, "DOC_REDUCTION", year=2026, period="Q3")
    assert (q3.provisional, q3.window_end) == (False, date(2026, 9, 30))
    # The roll-ups above say the same.
    assert rollup(tree["01"], "DOC_REDUCTION", year=2026).provisional is True
    assert rollup(tree["01"], "DOC_REDUCTION", year=2026, period="Q3").provisional is False


def test_once_the_year_has_ended_the_next_recompute_makes_it_final_on_the_whole_year(tree):
    commune = tree["00070"]
    _a_year_of_documents(commune)
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)
    compliance_compute(year=2026, as_of=date(2027, 1, 2))
    r = result(commune, "DOC_REDUCTION", year=2026)
    assert (r.status, r.numerator, r.baseline, r.provisional, r.window_end) == (
        Status.MET, 95, 200, False, date(2026, 12, 31))


def test_a_quarter_that_has_not_started_is_the_year_to_date_and_provisional(tree):
    commune = tree["00070"]
    docs(commune, 40, date(2025, 3, 1))
    docs(commune, 60, date(2025, 5, 20))  # after 15 May: outside the window of 2025 compared with 15 May 2026
    docs(commune, 30, date(2026, 3, 1))
    compliance_compute(year=2026, as_of=date(2026, 5, 15))
    for period in ("Q2", "Q3", "Q4", "Y"):
        r = result(commune, "DOC_REDUCTION", year=2026, period=period)
        assert (r.numerator, r.baseline, r.provisional, r.window_end) == (30, 40, True, date(2026, 5, 15)), period
    q1 = result(commune, "DOC_REDUCTION", year=2026, period="Q1")
    assert (q1.numerator, q1.baseline, q1.provisional) == (30, 40, False)


def test_the_running_year_reaches_conferences_too(tree):
    commune = tree["00070"]
    confs(commune, 10, date(2025, 3, 1), format="online")
    confs(commune, 10, date(2025, 12, 20), format="online")
    confs(commune, 9, date(2026, 3, 1), format="online")
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)
    r = result(commune, "MEETING_REDUCTION", year=2026)
    assert (r.status, r.numerator, r.baseline, r.value) == (Status.MET, 9, 10, D("0.1000"))  # exactly 10 %


def test_by_default_the_window_ends_today():
    from django.utils import timezone

    today = timezone.localdate()
    assert same_day_year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert same_day_year_before(today) == today.replace(year=today.year - 1) or today.month == 2


def test_the_api_says_which_figures_are_provisional(tree, reviewer):
    _a_year_of_documents(tree["00070"])
    compliance_compute(year=2026, as_of=ON_1_DECEMBER)
    client = APIClient()
    client.force_authenticate(reviewer)
    rows = client.get("/api/v1/compliance/", {"year": 2026, "unit_code": "00070", "target": "DOC_REDUCTION",
                                              "page_size": 10}).json()["results"]
    by_period = {row["period"]: row for row in rows}
    assert by_period["Y"]["provisional"] is True and by_period["Y"]["window_end"] == "2026-12-01"
    assert by_period["Q3"]["provisional"] is False and by_period["Q3"]["window_end"] == "2026-09-30"
    summary = client.get("/api/v1/compliance/summary/", {"year": 2026, "period": "Y", "unit": "01"}).json()
    doc = next(row for row in summary["targets"] if row["code"] == "DOC_REDUCTION")
    assert doc["provisional"] is True


# --- counts are not verdicts -------------------------------------------------------------------------------

def test_a_year_before_the_targets_apply_keeps_its_counts_of_records(tree):
    docs(tree["00070"], 7, date(2023, 4, 1))
    docs(tree["00070"], 12, date(2024, 4, 1))
    confs(tree["00004"], 3, date(2024, 4, 1))
    compliance_compute(year=2024)
    r = result(tree["00070"], "DOC_REDUCTION", year=2024)
    assert (r.status, r.value, r.numerator, r.baseline) == (Status.NOT_APPLICABLE, None, 12, 7)
    province = rollup(tree["01"], "DOC_REDUCTION", year=2024)
    assert (province.status, province.numerator, province.baseline) == (Status.NOT_APPLICABLE, 12, 7)
    trend = {row["year"]: row for row in scope_trend(period="Y", filters=None, root=tree["01"], year=2024)}
    assert trend[2024]["documents"] == 12 and trend[2024]["conferences"] == 3
    assert trend[2023]["documents"] == 7
    national = {row["year"]: row for row in national_trend(period="Y", year=2024)}
    assert national[2024]["documents"] == 12


def test_targets_that_do_not_apply_to_a_unit_still_carry_no_counts(tree):
    confs(tree["00070"], 2, date(2025, 4, 1), scope="all_leaders")
    compliance_compute(year=2025)
    # A commune is outside the province-wide cap: no verdict, and no figures mixed into the provinces' sums.
    r = result(tree["00070"], "PROVINCE_WIDE_CAP")
    assert (r.status, r.numerator, r.denominator) == (Status.NOT_APPLICABLE, None, None)
    assert rollup(tree["01"], "PROVINCE_WIDE_CAP").numerator == 0


# --- nothing recorded is not compliance -------------------------------------------------------------------

def test_a_cap_of_a_unit_that_recorded_no_conference_has_no_data(tree):
    confs(tree["00004"], 2, date(2025, 4, 1), scope="specialized")  # conferences, none of all leaders
    confs(tree["26734"], 1, date(2025, 4, 1), is_regular_session=True, scope="all_leaders")  # not countable
    compliance_compute(year=2025)
    assert result(tree["00070"], "COMMUNE_WIDE_CAP").status == Status.NO_DATA
    assert result(tree["00070"], "COMMUNE_WIDE_CAP").value is None
    assert result(tree["00004"], "COMMUNE_WIDE_CAP").status == Status.MET
    assert result(tree["26734"], "COMMUNE_WIDE_CAP").status == Status.NO_DATA
    assert result(tree["01"], "PROVINCE_WIDE_CAP").status == Status.NO_DATA
    # Hồ Chí Minh's communes recorded nothing countable: its roll-up has no data either, not "met".
    hcm = rollup(tree["79"], "COMMUNE_WIDE_CAP")
    assert (hcm.status, hcm.n_no_data, hcm.n_met) == (Status.NO_DATA, 2, 0)
    hn = rollup(tree["01"], "COMMUNE_WIDE_CAP")
    assert (hn.status, hn.n_met, hn.n_no_data) == (Status.MET, 1, 1)


def test_a_cap_at_exactly_its_limit_is_met_and_one_more_is_missed(tree):
    confs(tree["00070"], 3, date(2025, 4, 1), scope="all_leaders")
    confs(tree["00004"], 4, date(2025, 4, 1), scope="all_leaders")
    compliance_compute(year=2025)
    assert result(tree["00070"], "COMMUNE_WIDE_CAP").status == Status.MET
    assert result(tree["00004"], "COMMUNE_WIDE_CAP").status == Status.MISSED
    assert rollup(tree["01"], "COMMUNE_WIDE_CAP").status == Status.MISSED


# --- progress while results stream ---------------------------------------------------------------------------

def test_progress_reported_on_the_engines_connection_waits_until_the_copy_has_ended(tree):
    """A callback that runs SQL on the engine's own connection, called at every step: during the results' COPY
    any statement would end the COPY ("COPY terminated by new PQexec"); the engine holds those reports."""
    docs(tree["00070"], 5, date(2025, 4, 1))
    seen = []

    def progress(done, total):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        seen.append((done, total))

    summary = compliance_compute(year=2025, progress=progress)
    assert summary.results == 8 * 12 * 5
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    assert len(seen) >= 3


def test_a_year_before_the_earliest_record_date_is_refused_by_the_engine(tree):
    with pytest.raises(ValueError, match="earliest record date"):
        compliance_compute(year=1999)
    with pytest.raises(ValueError, match="earliest record date"):
        compliance_compute(year=1)
