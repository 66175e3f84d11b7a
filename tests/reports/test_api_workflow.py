"""The period-report workflow and the export file over the API (SPEC 7), with the same rules and audit as the
pages: submit, approve, return with a comment, reopen with a reason; `download_url` works with a token."""
from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from reports.models import PeriodReport

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(user, unit="01", period=f"{YEAR}-Q1", **extra):
    return api(user).post("/api/v1/period-reports/", {"unit": unit, "period": period, **extra}, format="json")


def test_an_officer_submits_and_a_reviewer_approves_over_the_api(officer_hn, reviewer, tree):
    response = submit(officer_hn, difficulties="Thiếu người", proposals="Thêm kinh phí")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["unit_code"], body["status"], body["period_label"] != "", body["due_on"]) == (
        "01", "submitted", True, body["deadline"])
    report_id = body["id"]
    approved = api(reviewer).post(f"/api/v1/period-reports/{report_id}/approve/", {"comment": "Đạt"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert [e["action"] for e in approved.json()["events"]] == ["submit", "approve"]
    latest = PeriodReport.objects.get(pk=report_id).history.first()
    assert (latest.state, latest.history_user_id) == ("approved", reviewer.pk)  # in the audit trail


def test_the_workflow_refuses_what_the_pages_refuse(officer_hn, officer_hcm, reviewer, administrator, tree):
    assert submit(officer_hcm).status_code == 403  # not their unit
    assert submit(officer_hn, period=f"{YEAR + 1}-Q4").status_code == 400  # not ended
    report_id = submit(officer_hn).json()["id"]
    assert submit(officer_hn).status_code == 400  # already submitted
    assert api(officer_hn).post(f"/api/v1/period-reports/{report_id}/approve/").status_code == 403
    assert api(officer_hcm).post(f"/api/v1/period-reports/{report_id}/approve/").status_code == 404
    returned = api(reviewer).post(f"/api/v1/period-reports/{report_id}/return/", {}, format="json")
    assert returned.status_code == 400 and "comment" in returned.json()
    returned = api(reviewer).post(f"/api/v1/period-reports/{report_id}/return/", {"comment": "Bổ sung số liệu"},
                                  format="json")
    assert returned.json()["status"] == "returned"
    assert submit(officer_hn).json()["status"] == "submitted"  # resubmitted
    api(reviewer).post(f"/api/v1/period-reports/{report_id}/approve/")
    assert api(reviewer).post(f"/api/v1/period-reports/{report_id}/reopen/", {"comment": "x"}).status_code == 403
    reopened = api(administrator).post(f"/api/v1/period-reports/{report_id}/reopen/",
                                       {"comment": "Bổ sung văn bản quý I"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"


def test_download_url_serves_the_file_to_a_token_client_of_the_subtree_only(
    officer_hn, officer_hcm, tree, django_capture_on_commit_callbacks, settings, tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path)
    _instance, token = AuthToken.objects.create(officer_hn)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/reports/", {"unit": "01", "period": f"{YEAR}-Q1", "format": "csv"},
                              format="json")
    assert created.status_code == 202, created.json()
    export = client.get(f"/api/v1/reports/{created.json()['id']}/").json()
    assert export["status"] == "ready" and export["download_url"].endswith(f"/api/v1/reports/{export['id']}/download/")
    response = client.get(export["download_url"])
    assert response.status_code == 200 and b"unit_code" in b"".join(response.streaming_content)
    assert api(officer_hcm).get(f"/api/v1/reports/{export['id']}/download/").status_code == 404
