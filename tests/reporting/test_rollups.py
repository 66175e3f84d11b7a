"""Roll-ups of localities: units per status and the aggregate over summed counts; scope-independence."""
import random
from datetime import date
from decimal import Decimal

import pytest

from reform.models import Unit
from reporting.choices import Status
from reporting.models import ComplianceResult, ComplianceRollup
from reporting.selectors import compliance_results, compliance_summary
from reporting.services import compliance_compute
from tests.factories import DigitizationReportFactory

from .helpers import confs, docs, result, rollup, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

D = Decimal


@pytest.fixture
def records(tree):
    """Varied records so that units land in different statuses."""
    docs(tree["01"], 10, date(2024, 3, 1))
    docs(tree["01"], 8, date(2025, 3, 1))  # -20 %: met
    docs(tree["00070"], 10, date(2024, 6, 1))
    docs(tree["00070"], 9, date(2025, 6, 1))  # -10 %: missed
    docs(tree["00004"], 5, date(2025, 2, 1), digitized=False)  # no baseline
    docs(tree["26734"], 40, date(2024, 8, 1))
    docs(tree["26734"], 30, date(2025, 11, 1))
    confs(tree["00070"], 4, scope="all_leaders")  # commune cap missed
    confs(tree["00004"], 2, scope="all_leaders", format="in_person")
    confs(tree["79"], 3, scope="all_leaders", reheld_after_online=True)
    confs(tree["01-VP"], 2, date(2024, 5, 1))
    confs(tree["01-VP"], 1, date(2025, 5, 1), duration_days=D("2"), budget_allocated=5, budget_spent=9)
    DigitizationReportFactory(unit=tree["26740"], year=2025, quarter=2, procedures_total=50, procedures_digital=40)
    DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=1, procedures_total=50, procedures_digital=50)
    return tree


def test_rollup_counts_subtree_units_by_status_including_the_locality_itself(records):
    compliance_compute(year=2025)
    r = rollup(records["01"], "DOC_REDUCTION")
    assert (r.n_met, r.n_missed, r.n_no_baseline, r.n_no_data, r.n_not_applicable, r.n_units) == (1, 1, 2, 0, 0, 4)
    assert rollup(records["TW"], "DOC_REDUCTION").n_units == 8


def test_rollup_aggregate_applies_the_rule_to_the_summed_counts(records):
    compliance_compute(year=2025)
    r = rollup(records["01"], "DOC_REDUCTION")
    # previous 10 + 10 = 20, current 8 + 9 + 5 = 22: an increase of 10 %.
    assert (r.status, r.value, r.numerator, r.baseline, r.threshold) == (Status.MISSED, D("-0.1"), 22, 20, D("0.15"))
    digital = rollup(records["TW"], "PROCEDURES_DIGITAL")
    assert (digital.status, digital.value, digital.numerator, digital.denominator) == (Status.MISSED, D("0.9"), 90, 100)
    docs_digitised = rollup(records["01"], "DOC_DIGITIZATION")
    assert (docs_digitised.numerator, docs_digitised.denominator) == (17, 22)


def test_cap_rollups_count_only_the_localities_the_cap_applies_to(records):
    compliance_compute(year=2025)
    province_cap = rollup(records["TW"], "PROVINCE_WIDE_CAP")
    # Province 79 recorded no countable conference: no data, not "met" (nothing recorded is not compliance).
    assert (province_cap.n_met, province_cap.n_missed, province_cap.n_no_data, province_cap.n_not_applicable) == (
        0, 1, 1, 6)
    assert (province_cap.status, province_cap.numerator) == (Status.MISSED, 3)
    commune_cap = rollup(records["01"], "COMMUNE_WIDE_CAP")
    assert (commune_cap.n_met, commune_cap.n_missed, commune_cap.n_not_applicable) == (1, 1, 2)
    assert (commune_cap.status, commune_cap.value) == (Status.MISSED, D("6"))
    assert rollup(records["79"], "COMMUNE_WIDE_CAP").status == Status.NO_DATA  # none recorded


def test_agencies_get_no_rollup_but_count_in_their_locality(records):
    compliance_compute(year=2025)
    assert not ComplianceRollup.objects.filter(unit=records["01-VP"]).exists()
    duration = rollup(records["01"], "CONFERENCE_DURATION")
    assert (duration.n_missed, duration.status) == (1, Status.MISSED)


def test_subtree_recompute_updates_the_rollups_of_the_localities_above(records):
    compliance_compute(year=2025)
    assert rollup(records["TW"], "DOC_REDUCTION").numerator == 52
    docs(records["00004"], 100, date(2025, 7, 1))
    compliance_compute(year=2025, unit=records["00004"])
    assert _summary_row(records["00004"], "DOC_REDUCTION")["numerator"] == 105
    assert rollup(records["01"], "DOC_REDUCTION").numerator == 122
    assert rollup(records["TW"], "DOC_REDUCTION").numerator == 152
    # Stored for the localities with units below them (TW, 01, 79), no duplicates; agencies and leaf communes none.
    assert ComplianceRollup.objects.filter(year=2025).count() == 3 * 12 * 5


def _summary_row(unit, target: str, *, period: str = "Y") -> dict:
    return next(row for row in compliance_summary(year=2025, period=period, unit=unit) if row["target"] == target)


def test_a_leaf_communes_summary_is_judged_from_its_own_results_like_a_stored_rollup(records):
    compliance_compute(year=2025)
    assert not ComplianceRollup.objects.filter(unit__in=[records["00070"], records["00004"]]).exists()
    for period in ("Y", "Q2"):
        reduction = _summary_row(records["00070"], "DOC_REDUCTION", period=period)
        own = result(records["00070"], "DOC_REDUCTION", period=period)
        assert (reduction["status"], reduction["value"], reduction["numerator"], reduction["baseline"]) == (
            own.status, own.value, own.numerator, own.baseline)
        assert reduction["counts"] == {"met": 0, "missed": 1, "no_baseline": 0, "no_data": 0, "not_applicable": 0}
        assert reduction["n_units"] == 1 and reduction["computed_at"] == own.computed_at
    cap = _summary_row(records["00070"], "COMMUNE_WIDE_CAP")
    assert (cap["status"], cap["value"], cap["counts"]["missed"]) == (Status.MISSED, D("4"), 1)
    province_cap = _summary_row(records["00070"], "PROVINCE_WIDE_CAP")
    assert (province_cap["status"], province_cap["counts"]["not_applicable"]) == (Status.NOT_APPLICABLE, 1)
    assert _summary_row(records["00004"], "DOC_REDUCTION")["status"] == Status.NO_BASELINE

    never = compliance_summary(year=2024, period="Y", unit=records["00070"])  # a year never computed
    assert len(never) == 12 and all(row["status"] is None and row["n_units"] == 0 for row in never)


def _snapshot():
    results = sorted(ComplianceResult.objects.values_list(
        "unit_id", "year", "period", "target_id", "status", "value", "threshold", "numerator", "denominator",
        "baseline", "details"), key=lambda row: row[:4])
    rollups = sorted(ComplianceRollup.objects.values_list(
        "unit_id", "year", "period", "target_id", "n_met", "n_missed", "n_no_baseline", "n_no_data",
        "n_not_applicable", "n_units", "status", "value", "threshold", "numerator", "denominator", "baseline"),
        key=lambda row: row[:4])
    return results, rollups


def test_results_equal_whether_computed_for_the_whole_country_or_unit_by_unit(records):
    compliance_compute(year=2025)
    whole = _snapshot()
    assert len(whole[0]) == 8 * 60 and len(whole[1]) == 3 * 60

    ComplianceResult.objects.all().delete()
    ComplianceRollup.objects.all().delete()
    units = list(Unit.objects.all())
    random.Random(226).shuffle(units)
    for unit in units:
        compliance_compute(year=2025, unit=unit)
    assert _snapshot() == whole

    ComplianceResult.objects.all().delete()
    ComplianceRollup.objects.all().delete()
    for code in ("79", "01", "TW"):
        compliance_compute(year=2025, unit=records[code])
    assert _snapshot() == whole


def test_summary_lists_every_target_in_catalogue_order_with_counts_shares_and_aggregate(records):
    compliance_compute(year=2025)
    rows = compliance_summary(year=2025, period="Y", unit=records["01"])
    assert [row["target"] for row in rows][:3] == ["DOC_REDUCTION", "MEETING_REDUCTION", "MEETING_ONLINE_SHARE"]
    assert len(rows) == 12
    first = rows[0]
    assert first["counts"] == {"met": 1, "missed": 1, "no_baseline": 2, "no_data": 0, "not_applicable": 0}
    assert first["shares"]["no_baseline"] == D("0.5")
    assert (first["n_units"], first["status"], first["value"], first["clause"]) == (4, Status.MISSED, D("-0.1"), "2.1")
    assert first["threshold"] == D("0.15")


def test_results_selector_filters_by_period_unit_target_and_subtree(records):
    compliance_compute(year=2025)
    assert compliance_results(year=2025).count() == 8 * 60
    assert compliance_results(year=2025, period="Q1", unit=records["01"]).count() == 12
    assert compliance_results(year=2025, period="Y", target="DOC_REDUCTION", subtree=records["79"]).count() == 3
    row = compliance_results(year=2025, period="Y", unit=records["00070"], target="DOC_REDUCTION").get()
    assert row == result(records["00070"], "DOC_REDUCTION")
