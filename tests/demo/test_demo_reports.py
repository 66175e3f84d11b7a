"""The demo's period reports: every state the demo users meet (approved, awaiting review, returned, late, overdue), one
generated report file, replaced by the next run but never a report a person made."""
from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from demo.period_reports import demo_reports_seed
from reports import services
from reports.models import PeriodReport, PeriodReportEvent, ReportExport
from reports.selectors import own_periods, review_queue
from tests.factories import PASSWORD, DocumentFactory

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def first_of_december_2026(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=TZ), tick=True):
        yield


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def states(unit) -> dict[str, str]:
    return {report.period_label: report.state for report in PeriodReport.objects.filter(unit=unit)}


@pytest.fixture
def seeded(tree, officer_hn, officer_commune, reviewer):
    DocumentFactory(unit=tree["00070"])
    return demo_reports_seed(provinces=["01", "79"], seed=226)


@pytest.mark.django_db
def test_hanoi_s_latest_report_awaits_review_the_one_before_was_returned_and_the_rest_are_approved(seeded, tree,
                                                                                                  officer_hn, reviewer):
    hanoi = states(tree["01"])
    # Closed by 1 December 2026 (REPORT_PERIODS): 2025 Q1-Q4, H1 and the year; 2026 Q1, Q2, H1 and Q3.
    assert set(hanoi) == {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025-H1", "2025", "2026-Q1", "2026-Q2",
                          "2026-H1", "2026-Q3"}
    assert hanoi.pop("2026-Q3") == "submitted" and hanoi.pop("2026-H1") == "returned"
    assert set(hanoi.values()) == {"approved"}
    returned = PeriodReport.objects.get(unit=tree["01"], year=2026, period="H1")
    assert returned.comment and returned.decided_by == reviewer and returned.submitted_by == officer_hn
    assert list(returned.events.values_list("action", flat=True)) == ["submit", "return"]
    assert returned.results["summary"] and "own" in returned.results  # the figures, as on submission
    assert returned.submitted_at.date() <= returned.deadline < returned.decided_at.date() + datetime.timedelta(days=30)


@pytest.mark.django_db
def test_the_commune_officer_s_commune_is_overdue_for_the_latest_period_only(seeded, tree):
    rows = {str(row["period"]): row for row in own_periods(unit=tree["00070"], today=TODAY)}
    overdue = [period for period, row in rows.items() if row["deadline_state"] and row["deadline_state"].is_overdue]
    assert overdue == ["2026-Q3"]
    assert rows["2026-H1"]["report"].state == "approved"
    assert rows["2026-H1"]["deadline_state"].status == "late"  # it came late, then was approved


@pytest.mark.django_db
def test_other_communes_report_on_the_latest_period_only_and_every_state_is_there(seeded, tree):
    assert set(PeriodReport.objects.filter(unit=tree["00004"]).values_list("period", flat=True)) <= {"Q3"}
    assert {"submitted", "approved", "returned"} <= set(PeriodReport.objects.values_list("state", flat=True))
    assert seeded.reports.get("missing", 0) >= 1 and seeded.reports.get("approved_late", 0) >= 1
    assert review_queue().exists()


@pytest.mark.django_db
def test_the_demo_writes_no_audit_rows(seeded):
    assert not PeriodReport.history.model.objects.exists()


@pytest.mark.django_db
def test_the_queue_the_archive_and_the_rate_page_have_something_to_show(seeded, reviewer, officer_hn, tree):
    client = login(reviewer)
    queue = client.get("/reports/").content.decode()
    assert "Quý III 2026" in queue[queue.index('id="review-queue"'):] and "Thành phố Hà Nội" in queue
    rate = client.get("/reports/rate/", {"unit": "01"})
    assert rate.context["table"]["submitted"] >= 1 and rate.context["table"]["expected"] == 2
    export = seeded.export
    assert (export.unit, export.period_label, export.format, export.status) == (tree["01"], "2026-Q3", "xlsx", "ready")
    archive = login(officer_hn).get("/reports/archive/").content.decode()
    assert f"/reports/archive/{export.pk}/download/" in archive
    assert login(officer_hn).get(f"/reports/archive/{export.pk}/download/").status_code == 200
    detail = client.get(f"/reports/{PeriodReport.objects.filter(submitted_by=None).first().pk}/")
    assert detail.status_code == 200  # a report nobody in particular submitted shows "—"


@pytest.mark.django_db
def test_a_rerun_replaces_the_demo_s_reports_and_keeps_what_people_did(seeded, tree, officer_hn, reviewer):
    before = set(PeriodReport.objects.values_list("unit__code", "year", "period", "state"))
    returned = PeriodReport.objects.get(unit=tree["01"], year=2026, period="H1")
    services.report_submit(user=officer_hn, unit=tree["01"], year=2026, period="H1", difficulties="Đã bổ sung")
    file_name = seeded.export.file.name

    again = demo_reports_seed(provinces=["01", "79"], seed=226)
    after = set(PeriodReport.objects.values_list("unit__code", "year", "period", "state"))
    assert after == (before - {("01", 2026, "H1", "returned")}) | {("01", 2026, "H1", "submitted")}
    assert again.kept == 1 and again.replaced == len(before) - 1
    assert PeriodReport.objects.get(pk=returned.pk).difficulties == "Đã bổ sung"  # the person's resubmission stays
    assert PeriodReportEvent.objects.filter(report__unit=tree["01"], report__year=2026, report__period="H1").count() == 3
    assert ReportExport.objects.get().file.name == file_name  # the ready file is kept, not made again


@pytest.mark.django_db
def test_demo_data_seeds_the_reports_and_runs_again_over_its_own_approved_reports():
    """`make demo` twice: the second demo_data replaces records that the first run's approved reports lock."""
    out = io.StringIO()
    options = {"provinces": ["46"], "max_communes": 2, "volume": 0.05, "years": [2025, 2026], "stdout": out}
    call_command("demo_data", **options)
    assert "Period reports:" in out.getvalue()
    approved = PeriodReport.objects.filter(unit__code="46", state="approved")
    assert approved.exists() and ReportExport.objects.filter(status="ready").count() == 1
    first = set(PeriodReport.objects.values_list("unit__code", "year", "period", "state"))
    out = io.StringIO()
    call_command("demo_data", **(options | {"stdout": out}))
    assert "earlier demo reports replaced" in out.getvalue()
    assert set(PeriodReport.objects.values_list("unit__code", "year", "period", "state")) == first
    out = io.StringIO()
    call_command("demo_data", **(options | {"stdout": out, "no_reports": True}))
    assert "Period reports:" not in out.getvalue()
