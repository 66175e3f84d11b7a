"""The report pages: officers submit and follow, reviewers approve or return, administrators reopen."""
from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from reports import services
from reports.models import Notification, PeriodReport, ReportExport
from tests.factories import PASSWORD, DocumentFactory, choose_language
from tests.text import raw_codes, visible_text

from .conftest import YEAR, day


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_officer_sees_the_periods_to_report_and_submits_with_a_narrative(officer_hn, tree):
    client = login(officer_hn)
    page = client.get("/reports/").content.decode()
    assert f"{YEAR}-Q1" in page and "/reports/submit/" in page
    data = {"period": f"{YEAR}-Q1", "difficulties": "Thiếu máy scan", "proposals": "Cấp thêm thiết bị"}
    assert client.post("/reports/submit/", data).status_code == 200  # the preview (test_confirmation_pages.py)
    # nothing recorded in the period: the empty report is confirmed twice
    response = client.post("/reports/submit/", {**data, "confirm": "1", "confirm_empty": "1"})
    report = PeriodReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert (report.unit, report.state, report.difficulties) == (tree["01"], "submitted", "Thiếu máy scan")
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Thiếu máy scan" in detail and "Cấp thêm thiết bị" in detail and 'id="history"' in detail


def test_submit_page_shows_a_refusal_on_the_form(officer_hn, submitted_q1):
    response = login(officer_hn).post("/reports/submit/", {"period": f"{YEAR}-Q1"})
    assert response.status_code == 200 and "form-errors" in response.content.decode()


def test_report_pages_name_the_period_the_targets_statuses_and_figures_as_people_read_them(
        officer_hn, reviewer, tree):
    """The queue, the list and the report say "Quý I 2025", the targets' names, "Không đạt" and "33,33 %":
    never 2025-Q1, DOC_REDUCTION, missed or 0.3333."""
    for n in range(3):
        DocumentFactory(unit=tree["00070"], number=f"{n + 1}/QĐ-UBND", issued_on=day(2, 1 + n, YEAR - 1))
    for n in range(2):
        DocumentFactory(unit=tree["00070"], number=f"{n + 10}/QĐ-UBND", issued_on=day(2, 1 + n))
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1")
    client = login(reviewer)
    index = visible_text(client.get("/reports/").content.decode())
    assert index.count(f"Quý I {YEAR}") == 2  # the review queue and the list of all reports
    page = client.get(f"/reports/{report.pk}/").content.decode()
    text = visible_text(page)
    assert f"Báo cáo kỳ Quý I {YEAR} của Thành phố Hà Nội" in text and "đến hết Quý I" in text
    row = page[page.index('data-target="DOC_REDUCTION"'):].split("</tr>")[0]
    assert "Giảm số văn bản hành chính so với năm trước" in row and "33,33 %" in row and "Đạt" in row
    assert raw_codes(index) == [] and raw_codes(text) == []
    english = visible_text(choose_language(client, "en").get(f"/reports/{report.pk}/").content.decode())
    assert f"Report Quarter 1 {YEAR} of Thành phố Hà Nội" in english and "33.33 %" in english
    assert raw_codes(english, language="en") == []


def test_reviewers_cannot_submit_and_officers_cannot_see_other_provinces_reports(reviewer, officer_hcm, submitted_q1):
    assert login(reviewer).get("/reports/submit/").status_code == 403
    assert login(officer_hcm).get(f"/reports/{submitted_q1.pk}/").status_code == 404


def test_reviewer_queue_approve_and_return_with_comment(reviewer, submitted_q1, officer_hn):
    client = login(reviewer)
    page = client.get("/reports/").content.decode()
    assert 'id="review-queue"' in page and f"/reports/{submitted_q1.pk}/" in page
    client.post(f"/reports/{submitted_q1.pk}/return/", {"comment": ""})
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == "submitted"  # a return needs a comment
    client.post(f"/reports/{submitted_q1.pk}/return/", {"comment": "Thiếu số liệu hội nghị"})
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == "returned" and submitted_q1.comment == "Thiếu số liệu hội nghị"
    # the officer sees the state and the reviewer's comment in the history
    detail = login(officer_hn).get(f"/reports/{submitted_q1.pk}/").content.decode()
    assert "Thiếu số liệu hội nghị" in detail


def test_reviewer_approves_from_the_page_and_officers_cannot(reviewer, officer_hn, submitted_q1):
    login(officer_hn).post(f"/reports/{submitted_q1.pk}/approve/", {"confirm": "1"})
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == "submitted"
    response = login(reviewer).post(f"/reports/{submitted_q1.pk}/approve/", {"comment": "Đạt", "confirm": "1"})
    submitted_q1.refresh_from_db()
    assert response.status_code == 302 and submitted_q1.state == "approved"


def test_administrator_reopens_from_the_page_with_a_reason(administrator, approved_q1):
    client = login(administrator)
    assert 'id="reopen"' in client.get(f"/reports/{approved_q1.pk}/").content.decode()
    client.post(f"/reports/{approved_q1.pk}/reopen/", {"reason": ""})
    approved_q1.refresh_from_db()
    assert approved_q1.state == "approved"
    client.post(f"/reports/{approved_q1.pk}/reopen/", {"reason": "Bổ sung văn bản"})
    approved_q1.refresh_from_db()
    assert approved_q1.state == "draft" and approved_q1.events.last().comment == "Bổ sung văn bản"


def test_a_reopen_reason_longer_than_the_history_column_is_kept_whole(administrator, approved_q1):
    """History's change reason is a varchar(100): a longer reason answered 500 on the page and the API."""
    reason = "Bổ sung văn bản quý I do đơn vị gửi muộn; " * 6
    response = login(administrator).post(f"/reports/{approved_q1.pk}/reopen/", {"reason": reason})
    assert response.status_code == 302
    approved_q1.refresh_from_db()
    assert approved_q1.state == "draft"
    assert approved_q1.comment == reason.strip() and approved_q1.events.last().comment == reason.strip()
    latest = approved_q1.history.first().history_change_reason
    assert len(latest) == 100 and latest.endswith("…") and reason.startswith(latest[:-1])


def test_rate_page_for_reviewers_only(reviewer, officer_hn, submitted_q1, tree):
    page = login(reviewer).get("/reports/rate/", {"period": f"{YEAR}-Q1"}).content.decode()
    assert 'id="rate-expected">2<' in page and 'id="rate-missing">1<' in page
    assert 'data-timeliness="late"' in page  # submitted today for a past period
    page = login(reviewer).get("/reports/rate/", {"period": f"{YEAR}-Q1", "unit": "01"}).content.decode()
    assert "Phường Hoàn Kiếm" in page and 'id="rate-missing">2<' in page
    assert login(reviewer).get("/reports/rate/", {"period": "bad"}).status_code == 200
    assert login(officer_hn).get("/reports/rate/").status_code == 403


def test_archive_page_generates_and_lists_scoped_exports(officer_hn, officer_hcm, tree, django_capture_on_commit_callbacks):
    client = login(officer_hn)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/archive/", {"unit": tree["01"].pk, "period": f"{YEAR}-H1", "format": "csv"})
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert export.status == "ready" and export.requested_by == officer_hn
    page = client.get("/reports/archive/").content.decode()
    assert f"/reports/archive/{export.pk}/download/" in page
    assert client.get(f"/reports/archive/{export.pk}/download/").status_code == 200
    assert f"/reports/archive/{export.pk}/download/" not in login(officer_hcm).get("/reports/archive/").content.decode()
    response = client.post("/reports/archive/", {"unit": tree["01"].pk, "period": "2026-Q9", "format": "csv"})
    assert response.status_code == 200 and ReportExport.objects.count() == 1


def test_notifications_include_lists_unread_and_marks_read(officer_hn):
    services.notification_create(user=officer_hn, key="k1", message="Báo cáo quý I sắp đến hạn", url="/reports/")
    request = RequestFactory().get("/")
    request.user = officer_hn
    html = Template('{% include "reports/_notifications.html" %}').render(Context({"request": request}))
    assert "Báo cáo quý I sắp đến hạn" in html
    note = Notification.objects.get()
    login(officer_hn).post(f"/reports/notifications/{note.pk}/read/", {"next": "https://evil.example/"})
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Báo cáo quý I" not in Template('{% include "reports/_notifications.html" %}').render(Context({"request": request}))


@pytest.mark.parametrize("url", ["/reports/", "/reports/archive/"])
def test_pages_need_a_login(client, url, tree):
    assert client.get(url).status_code == 302


def test_api_lists_of_period_reports_and_exports_run_a_constant_number_of_queries(
        tree, reviewer, officer_hn, officer_hcm, officer_commune, django_assert_max_num_queries):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    for officer, unit in ((officer_hn, tree["01"]), (officer_hcm, tree["79"]), (officer_commune, tree["00070"])):
        for period in ("Q1", "Q2", "H1"):
            services.report_submit(user=officer, unit=unit, year=YEAR, period=period)
        ReportExport.objects.create(unit=unit, year=YEAR, period="Q1", format="csv")
    _, token = AuthToken.objects.create(reviewer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with django_assert_max_num_queries(8):
        reports = client.get("/api/v1/period-reports/").json()
    assert reports["count"] == 9 and reports["results"][0]["events"][0]["action"] == "submit"
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/reports/").json()["count"] == 3
    _, token = AuthToken.objects.create(officer_hn)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # Hà Nội's officer sees Hà Nội's and its commune's reports, not Hồ Chí Minh City's
    assert client.get("/api/v1/period-reports/").json()["count"] == 6


def test_another_provinces_period_report_is_404_on_every_page_and_endpoint(officer_hn, officer_hcm, submitted_q1):
    from rest_framework.test import APIClient

    mine = APIClient()
    mine.force_authenticate(officer_hn)
    assert mine.get(f"/api/v1/period-reports/{submitted_q1.pk}/").status_code == 200
    other = APIClient()
    other.force_authenticate(officer_hcm)
    assert other.get(f"/api/v1/period-reports/{submitted_q1.pk}/").status_code == 404
    assert other.get("/api/v1/period-reports/").json()["count"] == 0
    assert other.get("/api/v1/period-reports/", {"unit": submitted_q1.unit_id}).json()["count"] == 0
    web = login(officer_hcm)
    for action in ("approve", "return", "reopen"):
        assert web.post(f"/reports/{submitted_q1.pk}/{action}/", {"comment": "x", "reason": "x"}).status_code == 404
    submitted_q1.refresh_from_db()
    assert submitted_q1.state == "submitted" and submitted_q1.events.count() == 1
    assert f"/reports/{submitted_q1.pk}/" not in web.get("/reports/").content.decode()


def test_a_notification_is_marked_read_only_by_its_owner_and_never_redirects_off_site(officer_hn, officer_hcm):
    note = services.notification_create(user=officer_hn, key="k1", message="Báo cáo quý I sắp đến hạn", url="/reports/")
    response = login(officer_hcm).post(f"/reports/notifications/{note.pk}/read/", {"next": "/reports/"})
    note.refresh_from_db()
    assert response.status_code == 302 and note.read_at is None
    response = login(officer_hn).post(f"/reports/notifications/{note.pk}/read/", {"next": "https://evil.example/"})
    note.refresh_from_db()
    assert note.read_at is not None
    assert response.status_code == 302 and response["Location"] == "/"
