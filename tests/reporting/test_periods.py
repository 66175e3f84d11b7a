"""Reporting windows: calendar by default, Decree 09/2019/ND-CP cut-off windows by setting."""
from datetime import date

import pytest
from django.test import override_settings

from reporting.periods import (
    PERIODS_TO_DATE, parse_period_label, period_closed, period_quarters, period_window, to_date_window,
)


def test_periods_to_date_are_the_year_and_four_quarters():
    assert PERIODS_TO_DATE == ("Y", "Q1", "Q2", "Q3", "Q4")


@override_settings(REPORTING_WINDOWS="calendar")
def test_calendar_to_date_windows_start_on_1_january():
    assert to_date_window(2026, "Y") == (date(2026, 1, 1), date(2026, 12, 31))
    assert to_date_window(2026, "Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert to_date_window(2026, "Q3") == (date(2026, 1, 1), date(2026, 9, 30))
    assert to_date_window(2026, "H1") == (date(2026, 1, 1), date(2026, 6, 30))
    assert to_date_window(2026, "M9") == (date(2026, 1, 1), date(2026, 9, 30))


@override_settings(REPORTING_WINDOWS="calendar")
def test_calendar_period_windows_are_the_period_alone():
    assert period_window(2026, "Q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert period_window(2024, "Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert period_window(2026, "H1") == (date(2026, 1, 1), date(2026, 6, 30))
    assert period_window(2026, "M9") == (date(2026, 1, 1), date(2026, 9, 30))
    assert period_window(2026, "Y") == (date(2026, 1, 1), date(2026, 12, 31))


@override_settings(REPORTING_WINDOWS="decree09")
def test_decree09_year_runs_15_december_to_14_december():
    assert period_window(2026, "Y") == (date(2025, 12, 15), date(2026, 12, 14))
    assert period_window(2026, "Q1") == (date(2025, 12, 15), date(2026, 3, 14))
    assert period_window(2026, "Q2") == (date(2026, 3, 15), date(2026, 6, 14))
    assert period_window(2026, "Q3") == (date(2026, 6, 15), date(2026, 9, 14))
    assert period_window(2026, "Q4") == (date(2026, 9, 15), date(2026, 12, 14))
    assert to_date_window(2026, "H1") == (date(2025, 12, 15), date(2026, 6, 14))
    assert to_date_window(2026, "M9") == (date(2025, 12, 15), date(2026, 9, 14))


@override_settings(REPORTING_WINDOWS="decree09")
def test_decree09_puts_14_march_in_q1_and_15_march_in_q2():
    q1, q2 = period_window(2026, "Q1"), period_window(2026, "Q2")
    assert q1[0] <= date(2026, 3, 14) <= q1[1]
    assert not q2[0] <= date(2026, 3, 14) <= q2[1]
    assert q2[0] <= date(2026, 3, 15) <= q2[1]
    assert not q1[0] <= date(2026, 3, 15) <= q1[1]


def test_setting_is_read_at_call_time():
    with override_settings(REPORTING_WINDOWS="calendar"):
        assert period_window(2026, "Q1")[1] == date(2026, 3, 31)
    with override_settings(REPORTING_WINDOWS="decree09"):
        assert period_window(2026, "Q1")[1] == date(2026, 3, 14)


def test_unknown_window_system_or_period_is_refused():
    with override_settings(REPORTING_WINDOWS="lunar"), pytest.raises(ValueError):
        period_window(2026, "Q1")
    with pytest.raises(ValueError):
        to_date_window(2026, "Q5")


@override_settings(REPORTING_WINDOWS="calendar")
def test_period_closed_once_its_last_day_has_passed():
    assert not period_closed(2026, "Q3", date(2026, 9, 30))
    assert period_closed(2026, "Q3", date(2026, 10, 1))
    assert not period_closed(2026, "Y", date(2026, 12, 31))


def test_period_quarters_and_labels():
    assert period_quarters("Q3") == (1, 2, 3)
    assert period_quarters("Y") == (1, 2, 3, 4)
    assert period_quarters("H1") == (1, 2)
    assert parse_period_label("2026-Q3") == (2026, "Q3")
    assert parse_period_label("2026-H1") == (2026, "H1")
    assert parse_period_label("2026") == (2026, "Y")
