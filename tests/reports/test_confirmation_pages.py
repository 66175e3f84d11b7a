"""Submitting and approving on the web pages show the report's figures first and ask for confirmation: nothing is
written (no report, no event, no lock, no notification, no recompute) until it is confirmed; an empty report asks
twice. The API keeps its contract (one POST submits, one approves). Approved reports show their lock."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from documents.models import Document
from reform.services import records_mark_locked
from reporting.models import ComplianceResult
from reporting.services import compliance_compute
from reports import selectors, services
from reports.models import Notification, PeriodReport, PeriodReportEvent
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory, UnitFactory
from tests.reports.test_pages import login

from .conftest import YEAR, day

pytestmark = pytest.mark.django_db


def written() -> tuple:
    """Everything a submission or an approval writes."""
    return (list(PeriodReport.objects.values_list("pk", "state", "comment", "difficulties")),
            PeriodReportEvent.objects.count(), Notification.objects.count(),
            sorted(ComplianceResult.objects.values_list("unit_id", "period", "target_id", "computed_at")))


@pytest.fixture
def recorded(tree):
    """Records of Hà Nội's subtree in the first quarter, and their figures computed."""
    DocumentFactory(unit=tree["00070"], issued_on=day(2, 3))
    DocumentFactory(unit=tree["01"], issued_on=day(3, 4))
    ConferenceFactory(unit=tree["01"], held_on=day(1, 20))
    DigitizationReportFactory(unit=tree["00004"], year=YEAR, quarter=1)
    DocumentFactory(unit=tree["79"], issued_on=day(2, 3))  # another province: not in Hà Nội's report
    DocumentFactory(unit=tree["01"], issued_on=day(5, 4))  # after the first quarter
    compliance_compute(year=YEAR, unit=tree["01"])


def test_submitting_previews_the_figures_and_writes_nothing_until_confirmed(officer_hn, tree, recorded):
    client = login(officer_hn)
    before = written()
    data = {"period": f"{YEAR}-Q1", "difficulties": "Thiếu máy scan", "proposals": "Cấp thêm thiết bị"}
    response = client.post(reverse("reports:submit"), data)
    assert response.status_code == 200 and response.templates[0].name == "reports/submit_confirm.html"
    assert written() == before  # no report, no event, no notification, not even a recompute
    html = response.content.decode()
    assert 'id="preview"' in html and html.count("<tr data-target=") == 12
    assert response.context["records"] == {"documents": 2, "conferences": 1, "digitization": 1, "total": 4}
    assert 'data-count="documents">2<' in html and "Thiếu máy scan" in html
    assert 'id="empty-warning"' not in html
    # the figures shown are the stored ones the report will carry (after its recompute), as the page words them
    stored = {row["target"]: row for row in selectors.summary(unit=tree["01"], period=response.context["period"])}
    assert stored["DOC_DIGITIZATION"]["status"] == "met" and "100,00 %" in html and "Đạt" in html
    # what the officer typed travels with the confirmation
    assert 'name="difficulties" value="Thiếu máy scan"' in html and 'name="confirm" value="1"' in html

    response = client.post(reverse("reports:submit"), {**data, "confirm": "1"})
    report = PeriodReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    assert (report.state, report.difficulties, report.proposals) == ("submitted", "Thiếu máy scan", "Cấp thêm thiết bị")
    assert report.events.count() == 1


def test_back_to_the_form_keeps_what_was_typed_and_writes_nothing(officer_hn, recorded):
    data = {"period": f"{YEAR}-Q1", "difficulties": "Thiếu máy scan", "proposals": "", "edit": "1"}
    response = login(officer_hn).post(reverse("reports:submit"), data)
    assert response.status_code == 200 and response.templates[0].name == "reports/submit.html"
    assert "Thiếu máy scan</textarea>" in response.content.decode()
    assert PeriodReport.objects.count() == 0


def test_an_empty_report_warns_and_needs_a_second_confirmation(officer_hn, tree):
    client = login(officer_hn)
    data = {"period": f"{YEAR}-Q2"}
    before = written()
    html = client.post(reverse("reports:submit"), data).content.decode()
    assert 'id="empty-warning"' in html and 'name="confirm_empty"' in html
    assert "Báo cáo này trống" in html
    # confirming without saying it is meant to be empty: asked again, with the reason, still nothing written
    response = client.post(reverse("reports:submit"), {**data, "confirm": "1"})
    assert response.status_code == 200 and 'id="confirm-empty-error"' in response.content.decode()
    assert written() == before
    response = client.post(reverse("reports:submit"), {**data, "confirm": "1", "confirm_empty": "1"})
    assert response.status_code == 302 and PeriodReport.objects.get().state == "submitted"


def test_a_refused_submission_is_said_on_the_form_before_any_preview(officer_hn, submitted_q1):
    response = login(officer_hn).post(reverse("reports:submit"), {"period": f"{YEAR}-Q1", "confirm": "1"})
    assert response.status_code == 200 and response.templates[0].name == "reports/submit.html"
    assert "form-errors" in response.content.decode()
    assert submitted_q1.events.count() == 1


def test_approving_previews_what_is_approved_and_locked_and_changes_nothing_until_confirmed(
        reviewer, officer_hn, tree):
    document = DocumentFactory(unit=tree["00070"], issued_on=day(2, 3))
    DocumentFactory(unit=tree["01"], issued_on=day(3, 4))
    ConferenceFactory(unit=tree["01"], held_on=day(1, 20))
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1")
    client = login(reviewer)
    before = written()
    response = client.post(reverse("reports:approve", args=[report.pk]), {"comment": "Số liệu đầy đủ"})
    assert response.status_code == 200 and response.templates[0].name == "reports/approve_confirm.html"
    assert written() == before
    assert records_mark_locked([Document.objects.get(pk=document.pk)])[0].lock_reason == ""  # not locked yet
    html = response.content.decode()
    assert 'id="preview"' in html and html.count("<tr data-target=") == 12
    assert 'id="lock-preview"' in html and day(3, 31).strftime("%d/%m/%Y") in html and tree["01"].name in html
    assert response.context["records"]["documents"] == 2 and response.context["records"]["conferences"] == 1
    assert "Số liệu đầy đủ</textarea>" in html and 'name="confirm" value="1"' in html
    # the same page by a link
    assert client.get(reverse("reports:approve", args=[report.pk])).status_code == 200
    assert written() == before

    response = client.post(reverse("reports:approve", args=[report.pk]), {"comment": "Số liệu đầy đủ", "confirm": "1"})
    report.refresh_from_db()
    assert response.status_code == 302 and (report.state, report.comment) == ("approved", "Số liệu đầy đủ")
    assert records_mark_locked([Document.objects.get(pk=document.pk)])[0].lock_reason


def test_only_a_reviewer_gets_the_preview_and_a_decided_report_has_none(officer_hn, reviewer, submitted_q1):
    assert login(officer_hn).post(reverse("reports:approve", args=[submitted_q1.pk]), {"confirm": "1"}).status_code == 403
    assert login(officer_hn).get(reverse("reports:approve", args=[submitted_q1.pk])).status_code == 403
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == "submitted"
    services.report_approve(user=reviewer, report=submitted_q1)
    response = login(reviewer).get(reverse("reports:approve", args=[submitted_q1.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:detail", args=[submitted_q1.pk])
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_api_still_submits_and_approves_in_one_call(officer_hn, reviewer, tree):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(officer_hn)
    created = client.post("/api/v1/period-reports/", {"unit": tree["01"].pk, "period": f"{YEAR}-Q1"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    client.force_authenticate(reviewer)
    approved = client.post(f"/api/v1/period-reports/{created.json()['id']}/approve/", format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_an_approved_report_shows_its_lock_on_its_page_and_in_the_lists(officer_hn, reviewer, approved_q1, tree):
    submitted_q2 = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q2")
    html = login(officer_hn).get(reverse("reports:detail", args=[approved_q1.pk])).content.decode()
    assert 'id="lock-notice"' in html and "data-locked" in html and f"Quý I {YEAR}" in html
    assert day(3, 31).strftime("%d/%m/%Y") in html
    for user in (officer_hn, reviewer):
        page = login(user).get(reverse("reports:index")).content.decode()
        table = page[page.index('id="report-list"'):]
        row = table[table.index(f'href="/reports/{approved_q1.pk}/"'):]
        assert "data-locked" in row[:row.index("</tr>")]
        other = table[table.index(f'href="/reports/{submitted_q2.pk}/"'):]
        assert "data-locked" not in other[:other.index("</tr>")]
    services.report_reopen(user=_admin(), report=approved_q1, reason="Bổ sung")
    html = login(officer_hn).get(reverse("reports:detail", args=[approved_q1.pk])).content.decode()
    assert 'id="lock-notice"' not in html and "data-locked" not in html
    assert "data-locked" not in login(officer_hn).get(reverse("reports:index")).content.decode()


def _admin():
    from tests.factories import UserFactory

    return UserFactory(username="admin-lock", role="admin", unit=None)


def test_records_in_window_count_the_subtree_and_the_legacy_units_that_count_in_it(tree):
    from reform.models import UnitSuccession

    legacy = UnitFactory(code="L00016", name="Phường Phúc Xá", parent=tree["TW"], valid_until=datetime.date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=legacy, successor=tree["00070"], order=0)
    DocumentFactory(unit=legacy, issued_on=datetime.date(2025, 2, 3))
    DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=2)
    DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=3)
    q2 = (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    assert selectors.records_in_window(unit=tree["00070"], window=q2) == {
        "documents": 1, "conferences": 0, "digitization": 1, "total": 2}
    assert selectors.records_in_window(unit=tree["01"], window=q2)["documents"] == 1
    assert selectors.records_in_window(unit=tree["00070"], window=q2, lineage=False)["documents"] == 0
