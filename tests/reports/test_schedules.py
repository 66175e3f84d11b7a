"""Scheduled exports (idempotent), reporting rate and timeliness, reminders once per period, Decree 09 windows."""
from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings

from reform.schedules import SCHEDULES
from reporting.models import ComplianceResult
from reporting.services import compliance_compute
from reports import selectors, services
from reports.models import Notification, PeriodReport, ReportExport
from reports.periods import ReportingPeriod
from reports.tasks import generate_due_exports, send_report_reminders
from tests.factories import DocumentFactory

from .conftest import YEAR, day


def exported() -> set[tuple]:
    return set(ReportExport.objects.filter(scheduled=True).values_list("unit__code", "year", "period", "format"))


@override_settings(REPORT_PERIODS=["Q1", "H1", "Y"], REPORT_EXPORT_DELAY_DAYS=5)
def test_scheduled_exports_wait_for_the_delay_then_cover_the_nation_and_each_province_once(tree):
    services.exports_generate_due(today=day(4, 4))  # Q1 closed on 31 March: not yet 5 days
    before = exported()
    assert before == {(unit, YEAR - 1, period, fmt) for unit in ("TW", "01", "79") for period in ("Q1", "H1", "Y")
                      for fmt in ("xlsx", "pdf", "csv")}
    created = services.exports_generate_due(today=day(4, 5))
    assert {(e.unit.code, e.year, e.period, e.format) for e in created} == {
        (unit, YEAR, "Q1", fmt) for unit in ("TW", "01", "79") for fmt in ("xlsx", "pdf", "csv")}
    assert services.exports_generate_due(today=day(4, 5)) == []  # the second run of the day adds nothing
    assert len(exported()) == ReportExport.objects.count() == 36
    # communes and agencies get no scheduled export
    assert not ReportExport.objects.filter(unit__level="commune").exists()


def test_the_database_refuses_a_second_scheduled_export_of_the_same_report(tree):
    ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="pdf", scheduled=True)
    ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="pdf", scheduled=False)  # on demand: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(unit=tree["01"], year=YEAR, period="Q1", format="pdf", scheduled=True)


@override_settings(REPORT_PERIODS=["Q1"])
def test_the_daily_task_generates_the_files_and_a_second_run_creates_nothing(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = generate_due_exports.apply().result
    assert first["created"] == 18  # Q1 of this year and last year, nation + 2 provinces, 3 formats
    assert set(ReportExport.objects.values_list("status", flat=True)) == {"ready"}
    assert all(export.file.size > 0 for export in ReportExport.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_due_exports.apply().result == {"created": 0, "exports": []}
    assert ReportExport.objects.count() == 18


def test_the_schedules_are_declared_for_django_celery_beat():
    tasks = {entry["task"] for entry in SCHEDULES}
    assert {"reports.tasks.generate_due_exports", "reports.tasks.send_report_reminders"} <= tasks


def _submit(user, unit, period="Q1", submitted_on=None):
    report = services.report_submit(user=user, unit=unit, year=YEAR, period=period)
    if submitted_on is not None:
        moment = datetime.datetime.combine(submitted_on, datetime.time(9, 0), tzinfo=datetime.timezone.utc)
        PeriodReport.objects.filter(pk=report.pk).update(first_submitted_at=moment, submitted_at=moment)
    return report


def test_reporting_rate_of_the_nation_counts_provinces_on_time_late_and_missing(tree, officer_hn, officer_hcm):
    _submit(officer_hn, tree["01"], submitted_on=day(4, 10))  # on the deadline day: on time
    _submit(officer_hcm, tree["79"], submitted_on=day(4, 11))  # a day late
    rate = selectors.reporting_rate(unit=tree["TW"], period=ReportingPeriod(YEAR, "Q1"))
    assert (rate["expected"], rate["on_time"], rate["late"], rate["missing"]) == (2, 1, 1, 0)
    assert rate["rate"] == 1.0 and rate["on_time_rate"] == 0.5
    assert {row["unit"].code: (row["timeliness"], row["days_late"]) for row in rate["rows"]} == {
        "01": ("on_time", 0), "79": ("late", 1)}


def test_reporting_rate_of_a_province_lists_its_communes_and_counts_a_returned_report_as_missing(
        tree, officer_commune, reviewer):
    report = _submit(officer_commune, tree["00070"], submitted_on=day(4, 2))
    rate = selectors.reporting_rate(unit=tree["01"], period=ReportingPeriod(YEAR, "Q1"))
    assert [row["unit"].code for row in rate["rows"]] == ["00004", "00070"]  # localities only, not the agency
    assert (rate["on_time"], rate["late"], rate["missing"]) == (1, 0, 1)
    services.report_return(user=reviewer, report=report, comment="Thiếu số liệu")
    rate = selectors.reporting_rate(unit=tree["01"], period=ReportingPeriod(YEAR, "Q1"))
    assert (rate["on_time"], rate["late"], rate["missing"]) == (0, 0, 2)


@override_settings(REPORT_REMINDER_DAYS=5, REPORT_PERIODS=["Q1", "H1", "Y"])
def test_reminders_go_once_to_the_officers_of_localities_that_have_not_submitted(
        tree, officer_hn, officer_hcm, officer_commune):
    officer_hn.email, officer_hcm.email = "hn@example.vn", ""
    officer_hn.save(update_fields=["email"])
    officer_hcm.save(update_fields=["email"])
    _submit(officer_commune, tree["00070"])
    assert services.reminders_send(today=day(4, 4)) == 0  # six days before the 10 April deadline: too early
    assert services.reminders_send(today=day(4, 5)) == 2  # Hà Nội and Hồ Chí Minh City; the commune submitted
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"officer-hn", "officer-hcm"}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hn@example.vn"]
    assert f"Quý I {YEAR}" in mail.outbox[0].subject
    assert services.reminders_send(today=day(4, 6)) == 0  # once per period
    assert len(mail.outbox) == 1 and Notification.objects.count() == 2
    assert services.reminders_send(today=day(4, 11)) == 0  # past the deadline


def test_the_reminder_task_sends_what_is_due_today_and_nothing_the_second_time(tree, officer_hn):
    first = send_report_reminders.apply().result
    assert first == {"sent": Notification.objects.count()}
    assert send_report_reminders.apply().result == {"sent": 0}


@override_settings(REPORTING_WINDOWS="decree09")
def test_decree09_a_document_of_14_march_counts_in_q1_and_one_of_15_march_in_q2(tree):
    assert ReportingPeriod(YEAR, "Q1").window == (datetime.date(YEAR - 1, 12, 15), day(3, 14))
    assert ReportingPeriod(YEAR, "Q2").window == (day(3, 15), day(6, 14))
    assert ReportingPeriod(YEAR, "Q1").deadline == day(3, 24)
    DocumentFactory(unit=tree["00070"], number="1/QĐ-UBND", issued_on=day(3, 14))
    DocumentFactory(unit=tree["00070"], number="2/QĐ-UBND", issued_on=day(3, 15))
    compliance_compute(year=YEAR)
    network = {r.period: r.denominator for r in ComplianceResult.objects.filter(unit=tree["00070"], year=YEAR,
                                                                               target="DOC_NETWORK")}
    assert network["Q1"] == 1 and network["Q2"] == 2  # Q2 to date adds the 15 March document
