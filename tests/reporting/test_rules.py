"""The pure rules at their boundaries: no database, exact fractions, 4-decimal values."""
from decimal import Decimal

import pytest

from reform.choices import Comparison
from reporting import rules
from reporting.choices import Status

D = Decimal


def test_reduction_of_exactly_15_percent_is_met():
    result = rules.reduction_at_least(current=8500, previous=10000, threshold=D("0.15"))
    assert result.status == Status.MET
    assert result.value == D("0.1500")
    assert (result.numerator, result.denominator, result.baseline) == (8500, 10000, 10000)


def test_reduction_of_14_99_percent_is_missed():
    result = rules.reduction_at_least(current=8501, previous=10000, threshold=D("0.15"))
    assert result.status == Status.MISSED
    assert result.value == D("0.1499")


def test_reduction_just_below_threshold_is_missed_even_when_rounding_shows_15_percent():
    # 1 - 84999/100000 = 0.15001 → met; 85001 → 0.14999, rounds to 0.1500 but is still missed.
    assert rules.reduction_at_least(current=84999, previous=100000, threshold=D("0.15")).status == Status.MET
    missed = rules.reduction_at_least(current=85001, previous=100000, threshold=D("0.15"))
    assert missed.status == Status.MISSED
    assert missed.value == D("0.1500")


def test_meeting_reduction_of_exactly_10_percent_is_met():
    assert rules.reduction_at_least(current=9, previous=10, threshold=D("0.10")).status == Status.MET
    assert rules.reduction_at_least(current=901, previous=1000, threshold=D("0.10")).status == Status.MISSED


def test_an_increase_is_a_negative_reduction_and_missed():
    result = rules.reduction_at_least(current=12, previous=10, threshold=D("0.15"))
    assert result.status == Status.MISSED
    assert result.value == D("-0.2000")


def test_no_records_the_year_before_is_no_baseline_with_empty_value():
    result = rules.reduction_at_least(current=5, previous=0, threshold=D("0.15"))
    assert result.status == Status.NO_BASELINE
    assert result.value is None


def test_in_person_share_of_exactly_40_percent_is_met():
    assert rules.share_at_most(numerator=2, denominator=5, threshold=D("0.40")).status == Status.MET
    result = rules.share_at_most(numerator=4001, denominator=10000, threshold=D("0.40"))
    assert result.status == Status.MISSED
    assert result.value == D("0.4001")


def test_share_with_zero_denominator_is_no_data():
    assert rules.share_at_least(numerator=0, denominator=0, threshold=D("0.95")).status == Status.NO_DATA
    assert rules.share_at_most(numerator=0, denominator=0, threshold=D("0.40")).status == Status.NO_DATA


def test_exactly_95_percent_digital_is_met_and_94_99_is_missed():
    assert rules.share_at_least(numerator=9500, denominator=10000, threshold=D("0.95")).status == Status.MET
    missed = rules.share_at_least(numerator=9499, denominator=10000, threshold=D("0.95"))
    assert missed.status == Status.MISSED
    assert missed.value == D("0.9499")


def test_network_share_needs_100_percent():
    assert rules.share_at_least(numerator=10000, denominator=10000, threshold=D("1")).status == Status.MET
    assert rules.share_at_least(numerator=9999, denominator=10000, threshold=D("1")).status == Status.MISSED


def test_cap_is_met_at_the_cap_and_missed_above_it():
    assert rules.count_at_most(count=2, cap=D("2")).status == Status.MET
    result = rules.count_at_most(count=3, cap=D("2"), total=4)
    assert result.status == Status.MISSED
    assert result.value == D("3")
    assert (result.numerator, result.denominator) == (3, 4)


def test_all_comply_is_met_only_at_100_percent_and_no_data_when_nothing_recorded():
    assert rules.all_comply(complying=7, recorded=7).status == Status.MET
    missed = rules.all_comply(complying=6, recorded=7)
    assert missed.status == Status.MISSED
    assert missed.value == D("0.8571")
    assert missed.details["inputs"]["offending"] == 1
    assert rules.all_comply(complying=0, recorded=0).status == Status.NO_DATA


def test_value_rounds_half_up_to_four_decimals():
    assert rules.quantize_fraction(1, 80000) == D("0.0000")  # 0.0000125
    assert rules.quantize_fraction(1, 20000) == D("0.0001")  # 0.00005 exactly, half up
    assert rules.quantize_fraction(-1, 20000) == D("-0.0001")  # half away from zero, like ROUND_HALF_UP
    assert rules.quantize_fraction(2, 3) == D("0.6667")


@pytest.mark.parametrize(
    ("comparison", "numbers", "status"),
    [
        (Comparison.REDUCTION_AT_LEAST, {"numerator": 85, "denominator": 100, "baseline": 100}, Status.MET),
        (Comparison.SHARE_AT_MOST, {"numerator": 40, "denominator": 100, "baseline": 0}, Status.MET),
        (Comparison.SHARE_AT_LEAST, {"numerator": 94, "denominator": 100, "baseline": 0}, Status.MISSED),
        (Comparison.COUNT_AT_MOST, {"numerator": 4, "denominator": 4, "baseline": 0}, Status.MISSED),
        (Comparison.ALL_COMPLY, {"numerator": 0, "denominator": 0, "baseline": 0}, Status.NO_DATA),
    ],
)
def test_evaluate_dispatches_each_comparison_kind(comparison, numbers, status):
    threshold = {Comparison.REDUCTION_AT_LEAST: D("0.15"), Comparison.SHARE_AT_MOST: D("0.40"),
                 Comparison.SHARE_AT_LEAST: D("0.95"), Comparison.COUNT_AT_MOST: D("3"),
                 Comparison.ALL_COMPLY: D("1")}[comparison]
    assert rules.evaluate(comparison, threshold, numbers).status == status


def test_aggregate_of_a_cap_is_missed_when_any_locality_missed():
    counts = {Status.MET: 3, Status.MISSED: 1, Status.NOT_APPLICABLE: 2}
    result = rules.aggregate(Comparison.COUNT_AT_MOST, D("3"), numerator=13, denominator=15, baseline=0,
                             status_counts=counts)
    assert result.status == Status.MISSED
    assert result.value == D("13")


def test_aggregate_with_no_applicable_unit_is_not_applicable():
    result = rules.aggregate(Comparison.COUNT_AT_MOST, D("2"), numerator=0, denominator=0, baseline=0,
                             status_counts={Status.NOT_APPLICABLE: 5})
    assert result.status == Status.NOT_APPLICABLE
