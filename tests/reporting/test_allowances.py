"""The officer's remaining allowances agree with the rules at every boundary (pure functions, no database)."""
from __future__ import annotations

from decimal import Decimal

from reporting import allowances, rules
from reporting.choices import Status

THRESHOLDS = [Decimal(t) for t in ("0.1500", "0.1000", "0.4000", "0.9500", "0.3333", "0.0001", "0.9999", "0.5")]


def test_one_more_than_the_reduction_allowed_is_a_miss():
    for threshold in THRESHOLDS:
        for baseline in range(1, 120):
            allowed = allowances.reduction_allowed(baseline=baseline, threshold=threshold)
            at = rules.reduction_at_least(current=allowed, previous=baseline, threshold=threshold)
            over = rules.reduction_at_least(current=allowed + 1, previous=baseline, threshold=threshold)
            assert (at.status, over.status) == (Status.MET, Status.MISSED), (threshold, baseline)


def test_the_exact_allowance_of_a_fifteen_percent_cut():
    assert allowances.reduction_allowed(baseline=1000, threshold=Decimal("0.15")) == 850
    assert allowances.reduction_allowed(baseline=7539, threshold=Decimal("0.1500")) == 6408


def test_the_room_for_more_in_person_conferences_is_exactly_what_keeps_the_share_met():
    for threshold in THRESHOLDS:
        for total in range(1, 40):
            for part in range(total + 1):
                within = allowances.within_share_at_most(part=part, total=total, threshold=threshold)
                assert within == (rules.share_at_most(numerator=part, denominator=total, threshold=threshold).status
                                  == Status.MET)
                if within:
                    k = allowances.share_at_most_room(part=part, total=total, threshold=threshold)
                    judge = lambda n: rules.share_at_most(numerator=part + n, denominator=total + n,  # noqa: E731
                                                          threshold=threshold).status
                    assert judge(k) == Status.MET and judge(k + 1) == Status.MISSED, (threshold, part, total)
                else:
                    m = allowances.share_at_most_recovery(part=part, total=total, threshold=threshold)
                    judge = lambda n: rules.share_at_most(numerator=part, denominator=total + n,  # noqa: E731
                                                          threshold=threshold).status
                    assert judge(m) == Status.MET and judge(m - 1) == Status.MISSED, (threshold, part, total)


def test_the_shortfall_of_a_share_of_at_least_is_exactly_what_reaches_it():
    for threshold in THRESHOLDS:
        for total in range(1, 40):
            for part in range(total + 1):
                if allowances.within_share_at_least(part=part, total=total, threshold=threshold):
                    continue
                m = allowances.share_at_least_shortfall(part=part, total=total, threshold=threshold)
                judge = lambda n: rules.share_at_least(numerator=part + n, denominator=total + n,  # noqa: E731
                                                       threshold=threshold).status
                assert judge(m) == Status.MET and judge(m - 1) == Status.MISSED, (threshold, part, total)


def test_thresholds_that_leave_no_room_or_no_way_back():
    assert allowances.share_at_most_room(part=3, total=5, threshold=Decimal(1)) is None  # any number is fine
    assert allowances.share_at_most_recovery(part=3, total=5, threshold=Decimal(0)) is None  # never again
    assert allowances.share_at_least_shortfall(part=9, total=10, threshold=Decimal(1)) is None  # lost for good
    assert allowances.cap_room(count=3, cap=Decimal(2)) == -1
    assert allowances.cap_room(count=0, cap=Decimal(3)) == 3
