"""Submission, approval, return and reopening of period reports, with their history and audit trail."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reports import services
from reports.choices import ReportAction, ReportState
from reports.models import PeriodReport

from .conftest import YEAR, day


def test_officer_submits_the_report_of_their_locality_with_narrative_window_and_deadline(submitted_q1, officer_hn):
    report = submitted_q1
    assert report.state == ReportState.SUBMITTED
    assert (report.window_start, report.window_end) == (day(1, 1), day(3, 31))
    assert report.deadline == day(4, 10)  # REPORT_DEADLINE_DAYS = 10 after the close
    assert report.difficulties == "Thiếu nhân lực số hoá" and report.proposals == "Bổ sung kinh phí"
    assert report.submitted_by == officer_hn and report.first_submitted_at is not None
    assert report.results["engine_period"] == "Q1" and len(report.results["summary"]) == 12
    [event] = report.events.all()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        ReportAction.SUBMIT, ReportState.DRAFT, ReportState.SUBMITTED, officer_hn)


@pytest.mark.parametrize("who", ["officer_hcm", "officer_commune", "reviewer", "administrator"])
def test_only_the_localitys_own_entry_officers_submit(request, tree, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.report_submit(user=user, unit=tree["01"], year=YEAR, period="Q1")
    assert not PeriodReport.objects.exists()


def test_a_period_that_has_not_ended_cannot_be_reported(officer_hn, tree):
    with pytest.raises(ValidationError) as error:
        services.report_submit(user=officer_hn, unit=tree["01"], year=timezone.localdate().year + 1, period="Q1")
    assert "period" in error.value.message_dict


def test_a_submitted_report_cannot_be_submitted_again(submitted_q1, officer_hn, tree):
    with pytest.raises(ValidationError):
        services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1")


def test_reviewer_approves_and_the_decision_is_in_the_history(submitted_q1, reviewer):
    report = services.report_approve(user=reviewer, report=submitted_q1, comment="Đạt yêu cầu")
    assert report.state == ReportState.APPROVED and report.decided_by == reviewer and report.decided_at
    assert [e.action for e in report.events.all()] == [ReportAction.SUBMIT, ReportAction.APPROVE]


@pytest.mark.parametrize("who", ["officer_hn", "administrator"])
def test_only_reviewers_approve_or_return(request, submitted_q1, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.report_approve(user=user, report=submitted_q1)
    with pytest.raises(PermissionDenied):
        services.report_return(user=user, report=submitted_q1, comment="x")
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == ReportState.SUBMITTED


def test_returning_needs_a_comment(submitted_q1, reviewer):
    with pytest.raises(ValidationError) as error:
        services.report_return(user=reviewer, report=submitted_q1, comment="  ")
    assert "comment" in error.value.message_dict
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == ReportState.SUBMITTED


def test_a_returned_report_is_corrected_and_submitted_again(submitted_q1, reviewer, officer_hn, tree):
    services.report_return(user=reviewer, report=submitted_q1, comment="Bổ sung số liệu hội nghị")
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == ReportState.RETURNED and submitted_q1.comment == "Bổ sung số liệu hội nghị"
    first = submitted_q1.first_submitted_at
    again = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1", difficulties="Đã bổ sung")
    assert again.pk == submitted_q1.pk and again.state == ReportState.SUBMITTED
    assert again.first_submitted_at == first and again.submitted_at > first
    events = list(again.events.values_list("action", "from_state", "to_state", "comment"))
    assert events == [
        ("submit", "draft", "submitted", ""),
        ("return", "submitted", "returned", "Bổ sung số liệu hội nghị"),
        ("submit", "returned", "submitted", ""),
    ]
    # the officer is told about the return in the app
    assert officer_hn.notifications.filter(message__contains="Bổ sung số liệu hội nghị").exists()


def test_an_approved_report_is_not_returned(approved_q1, reviewer):
    with pytest.raises(ValidationError):
        services.report_return(user=reviewer, report=approved_q1, comment="Muộn")


def test_administrator_reopens_with_a_reason_recorded_in_events_and_audit_trail(approved_q1, administrator):
    with pytest.raises(ValidationError) as error:
        services.report_reopen(user=administrator, report=approved_q1, reason="")
    assert "reason" in error.value.message_dict
    report = services.report_reopen(user=administrator, report=approved_q1, reason="Sai số liệu quý I")
    assert report.state == ReportState.DRAFT
    event = report.events.last()
    assert (event.action, event.actor, event.comment, event.from_state) == (
        ReportAction.REOPEN, administrator, "Sai số liệu quý I", ReportState.APPROVED)
    audit = report.history.first()
    assert audit.history_user == administrator and audit.history_change_reason == "Sai số liệu quý I"
    assert audit.state == ReportState.DRAFT


@pytest.mark.parametrize("who", ["officer_hn", "reviewer"])
def test_only_administrators_reopen(request, approved_q1, who):
    with pytest.raises(PermissionDenied):
        services.report_reopen(user=request.getfixturevalue(who), report=approved_q1, reason="x")
