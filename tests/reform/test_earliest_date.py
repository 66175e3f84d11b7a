"""No record is dated before EARLIEST_RECORD_DATE (1 January 2000 by default), on any path. A year-1 document
once stopped every recompute, and years 2-1999 were computed too."""
import datetime

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from tests.imports.conftest import DOC_HEADER, csv_bytes, upload
from tests.imports.test_upload_other_registers import CONF_HEADER, DIG_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("issued_on", ["0001-01-01", "1999-12-31"])
def test_the_api_refuses_a_document_dated_before_2000_on_its_date_field(officer_hn, tree, issued_on):
    response = api(officer_hn).post("/api/v1/documents/", {
        "unit": tree["01"].pk, "number": "1/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
        "issued_on": issued_on, "is_digitized": True, "sent_electronically": True}, format="json")
    assert response.status_code == 400
    assert "issued_on" in response.json(), response.json()
    assert not Document.objects.exists()


def test_the_first_day_allowed_is_accepted(officer_hn, tree):
    response = api(officer_hn).post("/api/v1/documents/", {
        "unit": tree["01"].pk, "number": "1/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
        "issued_on": "2000-01-01", "is_digitized": True, "sent_electronically": True}, format="json")
    assert response.status_code == 201, response.json()


def test_the_api_refuses_a_conference_and_a_digitisation_report_before_2000(officer_hn, tree):
    response = api(officer_hn).post("/api/v1/conferences/", {
        "unit": tree["01"].pk, "title": "Hội nghị", "held_on": "0001-01-01", "duration_days": "0.5",
        "format": "online", "category": "dissemination", "scope": "specialized"}, format="json")
    assert response.status_code == 400 and "held_on" in response.json(), response.json()
    response = api(officer_hn).post("/api/v1/digitization-reports/", {
        "unit": tree["01"].pk, "year": 1999, "quarter": 1, "procedures_total": 10, "procedures_digital": 5},
        format="json")
    assert response.status_code == 400 and "year" in response.json(), response.json()
    assert not Conference.objects.exists() and not DigitizationReport.objects.exists()


def test_the_web_form_refuses_a_year_1_document_beside_the_date(officer_hn, tree):
    client = Client()
    client.force_login(officer_hn)
    response = client.post(reverse("documents:document_create"), {
        "unit": tree["01"].pk, "number": "1/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
        "issued_on": "01/01/0001", "is_digitized": "on", "sent_electronically": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors.get("issued_on"), response.context["form"].errors
    assert not Document.objects.exists()


def test_uploads_refuse_rows_dated_before_2000_and_write_nothing(officer_hn, tree):
    rows = [["01", "1/QĐ-UBND", "QĐ", "Quyết định", "2025-03-01", "1", "1"],
            ["01", "2/QĐ-UBND", "QĐ", "Quyết định", "0001-01-01", "1", "1"]]
    batch = upload(officer_hn, csv_bytes(rows, DOC_HEADER))
    assert batch.status == "failed"
    assert [(e["line"], e["column"]) for e in batch.errors] == [(3, "issued_on")], batch.errors
    conference = [["01", "Hội nghị", "1999-04-01", "0,5", "online", "dissemination", "specialized", "0", "không",
                   "", "", "", ""]]
    batch = upload(officer_hn, csv_bytes(conference, CONF_HEADER), kind="conferences")
    assert batch.status == "failed" and batch.errors[0]["column"] == "held_on", batch.errors
    batch = upload(officer_hn, csv_bytes([["01", "1999", "1", "10", "5"]], DIG_HEADER), kind="digitization-reports")
    assert batch.status == "failed" and batch.errors[0]["column"] == "year", batch.errors
    assert not Document.objects.exists() and not Conference.objects.exists()


@override_settings(EARLIEST_RECORD_DATE=datetime.date(2010, 1, 1))
def test_the_earliest_date_is_a_setting(officer_hn, tree):
    response = api(officer_hn).post("/api/v1/documents/", {
        "unit": tree["01"].pk, "number": "1/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
        "issued_on": "2009-12-31", "is_digitized": True, "sent_electronically": True}, format="json")
    assert response.status_code == 400
    assert "2010" in response.json()["issued_on"][0]
