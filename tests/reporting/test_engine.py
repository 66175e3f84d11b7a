"""The compliance engine on real records (PostgreSQL): every target at its boundaries, windows, offenders,
threshold history, atomic replacement and a query count that does not grow with the number of units."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from documents.models import DigitizationReport
from meetings.models import Conference
from reform.models import PolicySetting, Target, TargetThreshold, Unit
from reporting.choices import Status
from reporting.models import ComplianceResult
from reporting.services import compliance_compute
from tests.factories import DigitizationReportFactory, UnitFactory

from .helpers import confs, docs, result, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

D = Decimal
CONFERENCE_TARGETS = ["MEETING_REDUCTION", "MEETING_ONLINE_SHARE", "PROVINCE_WIDE_CAP", "COMMUNE_WIDE_CAP",
                      "CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET", "NO_REPEAT_CONFERENCE"]


# --- catalogue --------------------------------------------------------------------------------------------

def test_catalogue_seeds_the_twelve_targets_with_thresholds_and_the_hybrid_switch():
    codes = list(Target.objects.values_list("code", flat=True))
    assert codes == ["DOC_REDUCTION", "MEETING_REDUCTION", "MEETING_ONLINE_SHARE", "PROVINCE_WIDE_CAP",
                     "COMMUNE_WIDE_CAP", "CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET",
                     "NO_REPEAT_CONFERENCE", "PROCEDURES_DIGITAL", "DOC_DIGITIZATION", "DOC_NETWORK"]
    assert Target.objects.get(code="DOC_REDUCTION").threshold_for(2026).threshold == D("0.15")
    assert Target.objects.get(code="PROVINCE_WIDE_CAP").is_cap
    duration = Target.objects.get(code="CONFERENCE_DURATION").threshold_for(2026).parameters
    assert duration["max_days"] == {"dissemination": "0.5", "professional": "1", "important": "1.5"}
    assert PolicySetting.objects.get(key="hybrid_counts_as_online").value is True


# --- documents ----------------------------------------------------------------------------------------------

def test_document_reduction_of_exactly_15_percent_is_met_and_14_99_missed(tree):
    met, missed = tree["00070"], tree["00004"]
    for unit, current in ((met, 8500), (missed, 8501)):
        docs(unit, 10000, date(2024, 5, 5))
        docs(unit, current, date(2025, 5, 5))
    compliance_compute(year=2025)
    assert (result(met, "DOC_REDUCTION").status, result(met, "DOC_REDUCTION").value) == (Status.MET, D("0.1500"))
    r = result(missed, "DOC_REDUCTION")
    assert (r.status, r.value, r.numerator, r.baseline) == (Status.MISSED, D("0.1499"), 8501, 10000)


def test_negative_reduction_is_shown_as_negative(tree):
    docs(tree["01"], 10, date(2024, 2, 1))
    docs(tree["01"], 12, date(2025, 2, 1))
    compliance_compute(year=2025)
    r = result(tree["01"], "DOC_REDUCTION")
    assert (r.status, r.value) == (Status.MISSED, D("-0.2000"))


def test_zero_baseline_is_no_baseline_with_empty_value(tree):
    docs(tree["79"], 5, date(2025, 2, 1))
    confs(tree["79"], 2, date(2025, 2, 1))
    compliance_compute(year=2025)
    for code in ("DOC_REDUCTION", "MEETING_REDUCTION"):
        r = result(tree["79"], code)
        assert (r.status, r.value, r.baseline) == (Status.NO_BASELINE, None, 0)


def test_only_administrative_types_count_in_reduction_but_all_in_digitisation_and_network(tree):
    unit = tree["00070"]
    docs(unit, 10, date(2024, 3, 1))
    docs(unit, 8, date(2025, 3, 1))
    docs(unit, 50, date(2025, 3, 1), doc_type="NĐ", digitized=False, sent=False)  # legal normative: no reduction
    compliance_compute(year=2025)
    reduction = result(unit, "DOC_REDUCTION")
    assert (reduction.numerator, reduction.baseline, reduction.status) == (8, 10, Status.MET)
    digitised = result(unit, "DOC_DIGITIZATION")
    assert (digitised.numerator, digitised.denominator, digitised.status) == (8, 58, Status.MISSED)
    assert result(unit, "DOC_NETWORK").denominator == 58


def test_exactly_95_percent_digitised_is_met_and_network_needs_100_percent(tree):
    unit = tree["00004"]
    docs(unit, 19, date(2025, 6, 1), digitized=True, sent=True)
    docs(unit, 1, date(2025, 6, 1), digitized=False, sent=False)
    compliance_compute(year=2025)
    assert (result(unit, "DOC_DIGITIZATION").status, result(unit, "DOC_DIGITIZATION").value) == (Status.MET, D("0.95"))
    assert result(unit, "DOC_NETWORK").status == Status.MISSED


def test_procedures_exactly_95_percent_digital_is_met_and_94_99_missed(tree):
    DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=1, procedures_total=10000, procedures_digital=9500)
    DigitizationReportFactory(unit=tree["00004"], year=2025, quarter=1, procedures_total=10000, procedures_digital=9499)
    compliance_compute(year=2025)
    assert result(tree["00070"], "PROCEDURES_DIGITAL").status == Status.MET
    r = result(tree["00004"], "PROCEDURES_DIGITAL")
    assert (r.status, r.value) == (Status.MISSED, D("0.9499"))


def test_procedures_sum_the_quarters_inside_the_window(tree):
    unit = tree["00070"]
    DigitizationReportFactory(unit=unit, year=2025, quarter=1, procedures_total=100, procedures_digital=100)
    DigitizationReportFactory(unit=unit, year=2025, quarter=2, procedures_total=100, procedures_digital=80)
    compliance_compute(year=2025)
    q1, year = result(unit, "PROCEDURES_DIGITAL", period="Q1"), result(unit, "PROCEDURES_DIGITAL")
    assert (q1.numerator, q1.denominator, q1.status) == (100, 100, Status.MET)
    assert (year.numerator, year.denominator, year.status) == (180, 200, Status.MISSED)


def test_empty_denominators_are_no_data(tree):
    compliance_compute(year=2025)
    for code in ("MEETING_ONLINE_SHARE", "CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET",
                 "NO_REPEAT_CONFERENCE", "PROCEDURES_DIGITAL", "DOC_DIGITIZATION", "DOC_NETWORK"):
        r = result(tree["00070"], code)
        assert (r.status, r.value) == (Status.NO_DATA, None), code


# --- conferences --------------------------------------------------------------------------------------------

def test_meeting_reduction_of_exactly_10_percent_is_met(tree):
    confs(tree["00070"], 10, date(2024, 4, 1))
    confs(tree["00070"], 9, date(2025, 4, 1))
    confs(tree["00004"], 10, date(2024, 4, 1))
    confs(tree["00004"], 10, date(2025, 4, 1))
    compliance_compute(year=2025)
    assert (result(tree["00070"], "MEETING_REDUCTION").status, result(tree["00070"], "MEETING_REDUCTION").value) == (
        Status.MET, D("0.1"))
    assert result(tree["00004"], "MEETING_REDUCTION").status == Status.MISSED


def test_in_person_share_of_exactly_40_percent_is_met(tree):
    confs(tree["00070"], 2, format="in_person")
    confs(tree["00070"], 3, format="online")
    confs(tree["00004"], 3, format="in_person")
    confs(tree["00004"], 4, format="online")
    compliance_compute(year=2025)
    r = result(tree["00070"], "MEETING_ONLINE_SHARE")
    assert (r.status, r.value, r.numerator, r.denominator) == (Status.MET, D("0.4"), 2, 5)
    assert result(tree["00004"], "MEETING_ONLINE_SHARE").status == Status.MISSED


def test_hybrid_counts_as_online_or_in_person_by_the_policy_switch(tree):
    unit = tree["00070"]
    confs(unit, 2, format="in_person")
    confs(unit, 1, format="hybrid")
    confs(unit, 2, format="online")
    compliance_compute(year=2025)
    r = result(unit, "MEETING_ONLINE_SHARE")
    assert (r.status, r.numerator) == (Status.MET, 2)

    PolicySetting.objects.filter(key="hybrid_counts_as_online").update(value=False)
    compliance_compute(year=2025)
    r = result(unit, "MEETING_ONLINE_SHARE")
    assert (r.status, r.numerator, r.value) == (Status.MISSED, 3, D("0.6"))


def test_regular_sessions_count_in_no_conference_target_but_documents_are_unaffected(tree):
    province = tree["01"]
    # Regular sessions breaking every rule: in person, all leaders, too long, over budget, re-held, long speeches.
    confs(province, 5, date(2025, 4, 1), is_regular_session=True, format="in_person", scope="all_leaders",
          duration_days=D("3"), budget_allocated=10, budget_spent=20, reheld_after_online=True,
          opening_speech_min=60, closing_speeches_min=90, longest_presentation_min=30)
    confs(province, 1, date(2024, 4, 1), is_regular_session=True)
    docs(province, 10, date(2024, 4, 1))
    docs(province, 8, date(2025, 4, 1))
    compliance_compute(year=2025)
    assert result(province, "MEETING_REDUCTION").status == Status.NO_BASELINE
    for code in ("MEETING_ONLINE_SHARE", "CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET",
                 "NO_REPEAT_CONFERENCE"):
        assert result(province, code).status == Status.NO_DATA, code
    cap = result(province, "PROVINCE_WIDE_CAP")
    # Regular sessions only: no countable conference, so the cap has no data (nothing recorded is not compliance).
    assert (cap.status, cap.numerator) == (Status.NO_DATA, 0)
    assert result(province, "DOC_REDUCTION").status == Status.MET


def test_province_cap_two_met_three_missed_unless_an_exception_is_approved(tree):
    confs(tree["01"], 2, scope="all_leaders")
    confs(tree["79"], 3, scope="all_leaders")
    compliance_compute(year=2025)
    assert result(tree["01"], "PROVINCE_WIDE_CAP").status == Status.MET
    r = result(tree["79"], "PROVINCE_WIDE_CAP")
    assert (r.status, r.value, r.numerator) == (Status.MISSED, D("3"), 3)
    assert len(r.details["offenders"]) == 3

    confs(tree["79"], 1, scope="all_leaders", exception_approved=True, exception_ref="15-QĐ/TU")
    compliance_compute(year=2025)
    assert result(tree["79"], "PROVINCE_WIDE_CAP").status == Status.MISSED  # still 3 without exception
    last = Conference.objects.filter(unit=tree["79"], exception_approved=False).order_by("id").last()
    Conference.objects.filter(pk=last.pk).update(exception_approved=True, exception_ref="16-QĐ/TU")
    compliance_compute(year=2025)
    r = result(tree["79"], "PROVINCE_WIDE_CAP")
    assert (r.status, r.numerator, r.denominator) == (Status.MET, 2, 4)


def test_commune_cap_three_met_four_missed(tree):
    confs(tree["00070"], 3, scope="all_leaders")
    confs(tree["00004"], 4, scope="all_leaders")
    confs(tree["26734"], 4, scope="all_leaders")
    confs(tree["26734"], 1, scope="all_leaders", exception_approved=True, exception_ref="3-QĐ/ĐU")
    first = Conference.objects.filter(unit=tree["26734"], exception_approved=False).order_by("id").first()
    Conference.objects.filter(pk=first.pk).update(exception_approved=True, exception_ref="4-QĐ/ĐU")
    compliance_compute(year=2025)
    assert result(tree["00070"], "COMMUNE_WIDE_CAP").status == Status.MET
    assert result(tree["00004"], "COMMUNE_WIDE_CAP").status == Status.MISSED
    assert result(tree["26734"], "COMMUNE_WIDE_CAP").status == Status.MET  # 3 without exception


def test_caps_do_not_apply_outside_their_localities(tree):
    compliance_compute(year=2025)
    for unit in ("TW", "00070", "01-VP"):
        assert result(tree[unit], "PROVINCE_WIDE_CAP").status == Status.NOT_APPLICABLE, unit
    for unit in ("TW", "01", "01-VP"):
        assert result(tree[unit], "COMMUNE_WIDE_CAP").status == Status.NOT_APPLICABLE, unit
    # Where they apply, a locality that recorded no conference has no data, not compliance.
    assert result(tree["01"], "PROVINCE_WIDE_CAP").status == Status.NO_DATA
    assert result(tree["00070"], "COMMUNE_WIDE_CAP").status == Status.NO_DATA


def test_targets_are_not_applicable_before_their_first_threshold(tree):
    docs(tree["01"], 10, date(2023, 4, 1))
    docs(tree["01"], 1, date(2024, 4, 1))
    compliance_compute(year=2024)
    statuses = set(ComplianceResult.objects.filter(year=2024).values_list("status", flat=True))
    assert statuses == {Status.NOT_APPLICABLE}
    assert ComplianceResult.objects.filter(year=2024).count() == len(tree) * 12 * 5


def test_duration_offenders_are_listed_with_figure_and_limit(tree):
    unit = tree["00070"]
    ok = confs(unit, 1, category="dissemination", duration_days=D("0.5"))[0]
    too_long = confs(unit, 1, date(2025, 5, 6), category="dissemination", duration_days=D("1"), title="Quán triệt NQ")[0]
    important = confs(unit, 1, category="important", duration_days=D("1.5"))[0]
    professional = confs(unit, 1, date(2025, 2, 3), category="professional", duration_days=D("1.25"))[0]
    compliance_compute(year=2025)
    r = result(unit, "CONFERENCE_DURATION")
    assert (r.status, r.numerator, r.denominator, r.value) == (Status.MISSED, 2, 4, D("0.5"))
    offenders = {o["id"]: o for o in r.details["offenders"]}
    assert set(offenders) == {too_long.id, professional.id}
    assert offenders[too_long.id] == {"id": too_long.id, "title": "Quán triệt NQ", "held_on": "2025-05-06",
                                      "category": "dissemination", "figure": "1.00", "limit": "0.5"}
    assert offenders[professional.id]["limit"] == "1"
    assert r.details["offenders_total"] == 2
    assert ok.id not in offenders and important.id not in offenders
    # Q1 to date only knows the February conference.
    q1 = result(unit, "CONFERENCE_DURATION", period="Q1")
    assert [o["id"] for o in q1.details["offenders"]] == [professional.id]


def test_speech_limits_judge_only_recorded_figures(tree):
    unit = tree["00070"]
    confs(unit, 1, opening_speech_min=10, closing_speeches_min=50, longest_presentation_min=10)  # all at limit
    confs(unit, 1, opening_speech_min=8)  # only one figure recorded, within limits
    confs(unit, 1)  # nothing recorded: not counted
    bad = confs(unit, 1, opening_speech_min=11, closing_speeches_min=40)[0]
    compliance_compute(year=2025)
    r = result(unit, "SPEECH_LIMITS")
    assert (r.status, r.numerator, r.denominator) == (Status.MISSED, 2, 3)
    assert r.details["offenders"][0]["id"] == bad.id
    assert r.details["offenders"][0]["figure"] == {"opening_speech_min": 11}
    assert r.details["offenders"][0]["limit"] == {"opening_speech_min": 10}

    tree_ok = tree["00004"]
    confs(tree_ok, 2)
    compliance_compute(year=2025)
    assert result(tree_ok, "SPEECH_LIMITS").status == Status.NO_DATA


def test_budget_counts_only_conferences_with_both_figures(tree):
    unit = tree["00070"]
    confs(unit, 1, budget_allocated=100, budget_spent=100)
    confs(unit, 1, budget_allocated=100)  # spent not recorded
    over = confs(unit, 1, budget_allocated=100, budget_spent=101)[0]
    compliance_compute(year=2025)
    r = result(unit, "CONFERENCE_BUDGET")
    assert (r.status, r.numerator, r.denominator) == (Status.MISSED, 1, 2)
    assert r.details["offenders"] == [{"id": over.id, "title": over.title, "held_on": "2025-04-02",
                                       "figure": 101, "limit": 100}]


def test_reheld_conferences_break_no_repeat_and_are_listed(tree):
    confs(tree["00070"], 3)
    reheld = confs(tree["00070"], 1, reheld_after_online=True)[0]
    confs(tree["00004"], 2)
    compliance_compute(year=2025)
    r = result(tree["00070"], "NO_REPEAT_CONFERENCE")
    assert (r.status, r.value) == (Status.MISSED, D("0.75"))
    assert [o["id"] for o in r.details["offenders"]] == [reheld.id]
    assert result(tree["00004"], "NO_REPEAT_CONFERENCE").status == Status.MET


def test_offender_lists_are_capped_per_unit_with_the_total(tree):
    confs(tree["00070"], 60, reheld_after_online=True)
    compliance_compute(year=2025)
    r = result(tree["00070"], "NO_REPEAT_CONFERENCE")
    assert len(r.details["offenders"]) == 50
    assert r.details["offenders_total"] == 60


# --- periods ------------------------------------------------------------------------------------------------

def test_quarter_figures_use_the_year_to_date_against_the_same_window_of_the_year_before(tree):
    unit = tree["00070"]
    docs(unit, 10, date(2024, 3, 31))
    docs(unit, 100, date(2024, 4, 1))
    docs(unit, 8, date(2025, 1, 1))
    docs(unit, 200, date(2025, 4, 1))
    compliance_compute(year=2025)
    q1 = result(unit, "DOC_REDUCTION", period="Q1")
    assert (q1.numerator, q1.baseline, q1.status, q1.value) == (8, 10, Status.MET, D("0.2"))
    q2 = result(unit, "DOC_REDUCTION", period="Q2")
    assert (q2.numerator, q2.baseline, q2.status) == (208, 110, Status.MISSED)
    assert result(unit, "DOC_REDUCTION", period="Y").numerator == 208


@override_settings(REPORTING_WINDOWS="decree09")
def test_decree09_windows_put_14_march_in_q1_and_15_march_in_q2(tree):
    unit = tree["00070"]
    docs(unit, 1, date(2024, 12, 20))  # Decree 09: already in 2025's Q1
    docs(unit, 2, date(2025, 3, 14))
    docs(unit, 4, date(2025, 3, 15))
    docs(unit, 8, date(2025, 12, 15))  # Decree 09: in 2026
    compliance_compute(year=2025)
    q1 = result(unit, "DOC_DIGITIZATION", period="Q1")
    q2 = result(unit, "DOC_DIGITIZATION", period="Q2")
    year = result(unit, "DOC_DIGITIZATION", period="Y")
    assert (q1.denominator, q2.denominator, year.denominator) == (3, 7, 7)
    # The baseline of 2025 is the Decree 09 year 2024 (15 Dec 2023 – 14 Dec 2024): the 20 December doc is not in it.
    assert result(unit, "DOC_REDUCTION", period="Y").baseline == 0


@override_settings(REPORTING_WINDOWS="calendar")
def test_calendar_windows_put_march_in_q1(tree):
    unit = tree["00070"]
    docs(unit, 2, date(2025, 3, 14))
    docs(unit, 4, date(2025, 3, 31))
    docs(unit, 8, date(2025, 4, 1))
    compliance_compute(year=2025)
    assert result(unit, "DOC_DIGITIZATION", period="Q1").denominator == 6


# --- thresholds with history ---------------------------------------------------------------------------------

def test_threshold_changes_by_year_take_effect_and_keep_history(tree):
    unit = tree["00070"]
    docs(unit, 100, date(2024, 4, 1))
    docs(unit, 82, date(2025, 4, 1))  # 18 % cut
    docs(unit, 67, date(2026, 1, 5))  # 18.3 % cut
    target = Target.objects.get(code="DOC_REDUCTION")
    TargetThreshold.objects.create(target=target, applies_from=2026, threshold=D("0.20"), note="Kết luận mới")
    row = TargetThreshold.objects.get(target=target, applies_from=2025)
    row.note = "Đã rà soát"
    row.save()
    compliance_compute(year=2025)
    compliance_compute(year=2026)
    assert (result(unit, "DOC_REDUCTION").status, result(unit, "DOC_REDUCTION").threshold) == (Status.MET, D("0.15"))
    r2026 = result(unit, "DOC_REDUCTION", year=2026)
    assert (r2026.status, r2026.threshold) == (Status.MISSED, D("0.2"))
    assert TargetThreshold.history.filter(target_id="DOC_REDUCTION").count() >= 3  # seed, change, new row


# --- replacement, scope, query count -------------------------------------------------------------------------

def test_recompute_replaces_previous_results_without_stale_rows(tree):
    unit = tree["00070"]
    docs(unit, 10, date(2024, 4, 1))
    compliance_compute(year=2025)
    first_ids = set(ComplianceResult.objects.filter(year=2025).values_list("id", flat=True))
    assert len(first_ids) == len(tree) * 12 * 5
    docs(unit, 5, date(2025, 4, 1))
    summary = compliance_compute(year=2025)
    assert summary.results == len(tree) * 12 * 5
    assert ComplianceResult.objects.filter(year=2025).count() == len(tree) * 12 * 5
    assert not ComplianceResult.objects.filter(id__in=first_ids).exists()
    assert result(unit, "DOC_REDUCTION").numerator == 5


def test_subtree_recompute_leaves_other_units_and_years_untouched(tree):
    compliance_compute(year=2025)
    compliance_compute(year=2024)
    before = dict(ComplianceResult.objects.exclude(unit__path__startswith=tree["01"].path)
                  .values_list("id", "computed_at"))
    before_2024 = set(ComplianceResult.objects.filter(year=2024).values_list("id", flat=True))
    docs(tree["00004"], 3, date(2025, 2, 2))
    summary = compliance_compute(year=2025, unit=tree["01"])
    assert summary.units == 4
    assert dict(ComplianceResult.objects.exclude(unit__path__startswith=tree["01"].path)
                .values_list("id", "computed_at")) == before
    assert set(ComplianceResult.objects.filter(year=2024).values_list("id", flat=True)) == before_2024
    assert result(tree["00004"], "DOC_DIGITIZATION").denominator == 3


def _national_tree(provinces: int, communes_per_province: int, *, first: int = 1):
    """TW (made once), then provinces numbered from `first`, each with its communes and some records."""
    root = UnitFactory(code="TW", level="central", parent=None)
    units = [] if first > 1 else [root]
    for p in range(first, first + provinces):
        province = UnitFactory(code=f"{p:02d}", level="provincial", parent=root)
        units.append(province)
        for c in range(communes_per_province):
            units.append(UnitFactory(code=f"{p:02d}{c:03d}", level="commune", parent=province))
    for i, unit in enumerate(units):
        docs(unit, 2 + i % 3, date(2024, 5, 1))
        docs(unit, 1 + i % 4, date(2025, 5, 1))
        confs(unit, 1, reheld_after_online=bool(i % 2), scope="all_leaders", duration_days=D("2"))
        DigitizationReport.objects.create(unit=unit, year=2025, quarter=1, procedures_total=10, procedures_digital=9)
    return units


def _count_queries(year: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        compliance_compute(year=year)
    return len(captured.captured_queries)


def test_number_of_queries_does_not_grow_with_the_number_of_units(db):
    _national_tree(1, 3)  # 5 units
    small = _count_queries(2025)
    ComplianceResult.objects.all().delete()
    _national_tree(5, 8, first=2)  # 5 + 45 = 50 units
    assert Unit.objects.count() == 50
    large = _count_queries(2025)
    assert small == large
    # Reads, writes and the swap of the year's partition (23 today), and the integrity signals' reads and upsert
    # (13 today): a fixed number.
    assert large <= 45


def test_compute_compliance_command_prints_a_summary(tree, capsys):
    call_command("compute_compliance", "--year", "2025", "--unit", "01")
    out = capsys.readouterr().out
    assert "4 units" in out and "240 results" in out
    assert ComplianceResult.objects.filter(year=2025).count() == 4 * 60
