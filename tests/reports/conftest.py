"""Fixtures of the period-report tests: a closed year to report on, and reports in each state."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reports import services

# Always a fully past year, so every period is closed and every record date is in the past.
YEAR = timezone.localdate().year - 1


def day(month: int, dd: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, dd)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Generated files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def submitted_q1(officer_hn, tree):
    return services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1",
                                  difficulties="Thiếu nhân lực số hoá", proposals="Bổ sung kinh phí")


@pytest.fixture
def approved_q1(submitted_q1, reviewer):
    return services.report_approve(user=reviewer, report=submitted_q1)


@pytest.fixture
def approved_q3(officer_hn, reviewer, tree):
    """Hà Nội's Q3 report, approved: its figures (and so its lock) run from 1 January to 30 September."""
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q3")
    return services.report_approve(user=reviewer, report=report)
