"""Deadlines: a report is due up to its deadline day (the period's end plus REPORT_DEADLINE_DAYS) and overdue the day
after; the officer's list and home page flag overdue periods, the reviewer's queue shows the deadline and lateness."""
from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client

from reports import services
from reports.choices import Timeliness
from reports.models import PeriodReport
from reports.periods import ReportingPeriod, deadline_state
from tests.factories import PASSWORD

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Quarter 3 of 2026 ends on 30 September: with the default 10 days, its report is due on 10 October.
Q3 = ReportingPeriod(2026, "Q3")
Q3_DEADLINE = datetime.date(2026, 10, 10)


def at(day: datetime.date, hour: int = 10):
    """Travel to `day` (local time), the clock running."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=True)


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- the rule -------------------------------------------------------------------------------------------------

def test_the_deadline_is_the_period_end_plus_the_deadline_days(settings):
    assert Q3.deadline == Q3_DEADLINE
    assert ReportingPeriod(2026, "H1").deadline == datetime.date(2026, 7, 10)
    assert ReportingPeriod(2025, "Y").deadline == datetime.date(2026, 1, 10)
    settings.REPORT_DEADLINE_DAYS = 15
    assert Q3.deadline == datetime.date(2026, 10, 15)


def test_under_decree_09_the_deadline_follows_its_windows(settings):
    settings.REPORTING_WINDOWS = "decree09"
    assert Q3.deadline == datetime.date(2026, 9, 24)  # Q3 runs 15 June to 14 September


def test_a_report_due_today_is_not_overdue():
    state = deadline_state(deadline=Q3_DEADLINE, today=Q3_DEADLINE)
    assert (state.status, state.days, state.is_overdue) == (Timeliness.DUE, 0, False)


def test_a_report_one_day_past_its_deadline_is_one_day_overdue():
    state = deadline_state(deadline=Q3_DEADLINE, today=Q3_DEADLINE + datetime.timedelta(days=1))
    assert (state.status, state.days, state.is_overdue) == (Timeliness.OVERDUE, 1, True)


def test_days_left_count_down_to_the_deadline():
    assert deadline_state(deadline=Q3_DEADLINE, today=datetime.date(2026, 10, 3)) == deadline_state(
        deadline=Q3_DEADLINE, today=Q3_DEADLINE - datetime.timedelta(days=7))
    assert deadline_state(deadline=Q3_DEADLINE, today=datetime.date(2026, 10, 3)).days == 7


def test_a_submission_on_the_deadline_is_on_time_and_the_day_after_is_one_day_late():
    on_time = deadline_state(deadline=Q3_DEADLINE, today=datetime.date(2026, 12, 1), submitted_on=Q3_DEADLINE)
    late = deadline_state(deadline=Q3_DEADLINE, today=datetime.date(2026, 12, 1),
                          submitted_on=Q3_DEADLINE + datetime.timedelta(days=1))
    assert (on_time.status, on_time.days) == (Timeliness.ON_TIME, 0)
    assert (late.status, late.days) == (Timeliness.LATE, 1)


# --- the officer's list ---------------------------------------------------------------------------------------

def _own_row(page: str, period: str) -> str:
    start = page.index(f'data-period="{period}"')
    return page[start:page.index("</tr>", start)]


@pytest.mark.django_db
def test_officer_list_flags_a_period_overdue_by_12_days_in_vietnamese(officer_hn):
    with at(Q3_DEADLINE + datetime.timedelta(days=12)):
        page = login(officer_hn).get("/reports/").content.decode()
    row = _own_row(page, "2026-Q3")
    assert "Quá hạn 12 ngày" in row and 'data-deadline="overdue"' in row and "is-overdue" in page
    assert "Quý III 2026" in row


@pytest.mark.django_db
def test_officer_list_on_the_deadline_day_says_due_today_and_the_day_after_one_day_overdue(officer_hn):
    with at(Q3_DEADLINE, hour=23):
        row = _own_row(login(officer_hn).get("/reports/").content.decode(), "2026-Q3")
    assert "Đến hạn hôm nay" in row and "Quá hạn" not in row
    with at(Q3_DEADLINE + datetime.timedelta(days=1), hour=0):
        row = _own_row(login(officer_hn).get("/reports/").content.decode(), "2026-Q3")
    assert "Quá hạn 1 ngày" in row


@pytest.mark.django_db
def test_officer_list_in_english(officer_hn):
    with at(Q3_DEADLINE + datetime.timedelta(days=3)):
        client = login(officer_hn)
        client.post("/i18n/setlang/", {"language": "en"})
        row = _own_row(client.get("/reports/").content.decode(), "2026-Q3")
    assert "Overdue by 3 days" in row


@pytest.mark.django_db
def test_a_submitted_report_is_no_longer_overdue_but_late_and_an_optional_period_is_never_flagged(officer_hn, tree):
    with at(Q3_DEADLINE + datetime.timedelta(days=5)):
        services.report_submit(user=officer_hn, unit=tree["01"], year=2026, period="Q3")
        page = login(officer_hn).get("/reports/").content.decode()
    row = _own_row(page, "2026-Q3")
    assert "Gửi muộn 5 ngày" in row and "Quá hạn" not in row
    # Nine months is not among REPORT_PERIODS: an officer may report on it, nobody is overdue for it.
    assert 'data-deadline' not in _own_row(page, "2026-M9")


# --- the officer's home ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_officer_home_has_an_overdue_banner_until_the_report_is_submitted(officer_hn, tree):
    with at(Q3_DEADLINE + datetime.timedelta(days=12)):
        client = login(officer_hn)
        page = client.get("/").content.decode()
        assert 'id="overdue-reports"' in page
        banner = page[page.index('id="overdue-reports"'):page.index("</section>", page.index('id="overdue-reports"'))]
        assert "Quý III 2026" in banner and "Quá hạn 12 ngày" in banner
        assert "/reports/submit/?period=2026-Q3" in banner
        services.report_submit(user=officer_hn, unit=tree["01"], year=2026, period="Q3")
        page = client.get("/").content.decode()
    assert 'data-period="2026-Q3"' not in page


@pytest.mark.django_db
def test_no_banner_before_the_deadline_nor_for_reviewers_or_agency_officers(officer_hn, reviewer, tree):
    from tests.factories import UserFactory

    agency_officer = UserFactory(username="officer-vp", role="entry", unit=tree["01-VP"])
    # On 10 October 2026 every earlier required period of 2025 and 2026 is past its deadline: the officer's
    # locality submitted them all, and Q3 is due that very day.
    with at(Q3_DEADLINE):
        for period in ("Q1", "Q2", "H1"):
            services.report_submit(user=officer_hn, unit=tree["01"], year=2026, period=period)
        for period in ("Q1", "Q2", "Q3", "Q4", "H1", "Y"):
            services.report_submit(user=officer_hn, unit=tree["01"], year=2025, period=period)
        assert 'id="overdue-reports"' not in login(officer_hn).get("/").content.decode()  # Q3 is due today
        assert 'id="overdue-reports"' not in login(reviewer).get("/").content.decode()
        assert 'id="overdue-reports"' not in login(agency_officer).get("/").content.decode()


# --- the reviewer's queue -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_review_queue_shows_the_deadline_and_whether_each_report_came_late(officer_hn, officer_hcm, reviewer, tree):
    with at(Q3_DEADLINE):
        on_time = services.report_submit(user=officer_hn, unit=tree["01"], year=2026, period="Q3")
    with at(Q3_DEADLINE + datetime.timedelta(days=1), hour=0):
        late = services.report_submit(user=officer_hcm, unit=tree["79"], year=2026, period="Q3")
    page = login(reviewer).get("/reports/").content.decode()
    queue = page[page.index('id="review-queue"'):]

    def row(report: PeriodReport) -> str:
        start = queue.index(f'data-report="{report.pk}"')
        return queue[start:queue.index("</tr>", start)]

    assert "10/10/2026" in row(on_time) and "Đúng hạn" in row(on_time)
    assert "10/10/2026" in row(late) and "Gửi muộn 1 ngày" in row(late)
    assert "Hạn gửi" in queue and "Quý III 2026" in row(late)


@pytest.mark.django_db
def test_rate_page_says_how_long_a_missing_report_is_overdue(reviewer, officer_hn, tree):
    with at(Q3_DEADLINE + datetime.timedelta(days=2)):
        services.report_submit(user=officer_hn, unit=tree["01"], year=2026, period="Q3")
        page = login(reviewer).get("/reports/rate/", {"period": "2026-Q3"}).content.decode()
    start = page.index('id="rate-table"')
    table = page[start:]
    hcm = table[table.index("Thành phố Hồ Chí Minh"):]
    assert "Quá hạn 2 ngày" in hcm[:hcm.index("</tr>")]
    hanoi = table[table.index("Thành phố Hà Nội"):]
    assert "Muộn 2 ngày" in hanoi[:hanoi.index("</tr>")]
