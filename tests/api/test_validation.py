"""Every validation rule of SPEC section 4 through the API: 400 on the right field, database unchanged."""
import datetime

import pytest
from django.utils import timezone

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from tests.api.conftest import conference_payload, document_payload, report_payload
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _snapshot(model):
    """Rows and audit rows: a refused write must leave both untouched."""
    return list(model.objects.order_by("pk").values()), model.history.count()


def assert_refused(response, field, model, before):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert all(isinstance(message, str) and message for message in body[field])
    assert _snapshot(model) == before


@pytest.fixture
def api(client_for, officer_hn):
    return client_for(officer_hn)


@pytest.mark.parametrize(
    ("url", "model", "payload", "field"),
    [
        ("/api/v1/documents/", Document, document_payload, "issued_on"),
        ("/api/v1/conferences/", Conference, conference_payload, "held_on"),
    ],
)
def test_a_future_date_is_refused(api, officer_hn, url, model, payload, field):
    before = _snapshot(model)
    response = api.post(url, payload(officer_hn.unit, **{field: TOMORROW}), format="json")
    assert_refused(response, field, model, before)


@pytest.mark.parametrize(
    ("url", "model", "payload", "field"),
    [
        ("/api/v1/conferences/", Conference, conference_payload, "participants"),
        ("/api/v1/conferences/", Conference, conference_payload, "budget_allocated"),
        ("/api/v1/conferences/", Conference, conference_payload, "budget_spent"),
        ("/api/v1/conferences/", Conference, conference_payload, "opening_speech_min"),
        ("/api/v1/conferences/", Conference, conference_payload, "closing_speeches_min"),
        ("/api/v1/conferences/", Conference, conference_payload, "longest_presentation_min"),
        ("/api/v1/digitization-reports/", DigitizationReport, report_payload, "procedures_total"),
        ("/api/v1/digitization-reports/", DigitizationReport, report_payload, "procedures_digital"),
    ],
)
def test_a_negative_count_is_refused(api, officer_hn, url, model, payload, field):
    before = _snapshot(model)
    response = api.post(url, payload(officer_hn.unit, **{field: -1}), format="json")
    assert_refused(response, field, model, before)


def test_more_digital_than_total_procedures_is_refused(api, officer_hn):
    before = _snapshot(DigitizationReport)
    response = api.post(
        "/api/v1/digitization-reports/",
        report_payload(officer_hn.unit, procedures_total=100, procedures_digital=101), format="json",
    )
    assert_refused(response, "procedures_digital", DigitizationReport, before)


def test_digital_equal_to_total_is_accepted(api, officer_hn):
    response = api.post(
        "/api/v1/digitization-reports/",
        report_payload(officer_hn.unit, procedures_total=100, procedures_digital=100), format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_a_quarter_outside_1_to_4_is_refused(api, officer_hn, quarter):
    before = _snapshot(DigitizationReport)
    response = api.post("/api/v1/digitization-reports/", report_payload(officer_hn.unit, quarter=quarter), format="json")
    assert_refused(response, "quarter", DigitizationReport, before)


@pytest.mark.parametrize("year", [1999, 2101, -1, 10000, 10**20])
def test_a_report_year_outside_the_fields_bounds_is_refused_on_year(api, officer_hn, year):
    """Years the calendar cannot hold used to crash the quarter check (a 500) before the field's bounds spoke."""
    before = _snapshot(DigitizationReport)
    response = api.post("/api/v1/digitization-reports/", report_payload(officer_hn.unit, year=year), format="json")
    assert_refused(response, "year", DigitizationReport, before)


def test_a_quarter_that_has_not_started_is_refused(api, officer_hn):
    before = _snapshot(DigitizationReport)
    next_year = timezone.localdate().year + 1
    response = api.post(
        "/api/v1/digitization-reports/", report_payload(officer_hn.unit, year=next_year, quarter=1), format="json"
    )
    assert_refused(response, "quarter", DigitizationReport, before)


def test_a_second_report_for_the_same_unit_and_quarter_is_refused(api, officer_hn):
    DigitizationReportFactory(unit=officer_hn.unit, year=2025, quarter=2)
    before = _snapshot(DigitizationReport)
    response = api.post("/api/v1/digitization-reports/", report_payload(officer_hn.unit), format="json")
    assert response.status_code == 400, response.content
    assert _snapshot(DigitizationReport) == before


def test_an_exception_without_a_reference_is_refused(api, officer_hn):
    before = _snapshot(Conference)
    response = api.post(
        "/api/v1/conferences/",
        conference_payload(officer_hn.unit, scope="all_leaders", exception_approved=True, exception_ref="  "),
        format="json",
    )
    assert_refused(response, "exception_ref", Conference, before)


def test_an_exception_with_a_reference_is_accepted(api, officer_hn):
    response = api.post(
        "/api/v1/conferences/",
        conference_payload(officer_hn.unit, scope="all_leaders", exception_approved=True, exception_ref="45-QĐ/TU"),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Conference.objects.get(pk=response.json()["id"]).exception_ref == "45-QĐ/TU"


@pytest.mark.parametrize("duration", ["0", "0.00", "-0.5"])
def test_a_duration_of_zero_or_less_is_refused(api, officer_hn, duration):
    before = _snapshot(Conference)
    response = api.post("/api/v1/conferences/", conference_payload(officer_hn.unit, duration_days=duration), format="json")
    assert_refused(response, "duration_days", Conference, before)
    assert len(response.json()["duration_days"]) == 1  # one clear message, not the validator's and the rule's


def test_a_duplicate_document_number_in_the_same_unit_and_year_is_refused(api, officer_hn):
    DocumentFactory(unit=officer_hn.unit, number="15/QĐ-UBND", issued_on=datetime.date(2025, 1, 20))
    before = _snapshot(Document)
    response = api.post("/api/v1/documents/", document_payload(officer_hn.unit), format="json")
    assert_refused(response, "number", Document, before)


def test_a_duplicate_number_written_differently_is_still_a_duplicate(api, officer_hn):
    DocumentFactory(unit=officer_hn.unit, number="15/QĐ-UBND", issued_on=datetime.date(2025, 1, 20))
    before = _snapshot(Document)
    response = api.post("/api/v1/documents/", document_payload(officer_hn.unit, number=" 15 / QĐ - UBND "), format="json")
    assert_refused(response, "number", Document, before)


def test_the_same_number_is_allowed_in_another_year(api, officer_hn):
    DocumentFactory(unit=officer_hn.unit, number="15/QĐ-UBND", issued_on=datetime.date(2024, 5, 6))
    response = api.post("/api/v1/documents/", document_payload(officer_hn.unit), format="json")
    assert response.status_code == 201, response.content
    assert Document.objects.filter(unit=officer_hn.unit, number="15/QĐ-UBND").count() == 2


def test_the_same_number_is_allowed_in_another_unit(api, officer_hn, tree):
    DocumentFactory(unit=tree["00070"], number="15/QĐ-UBND", issued_on=datetime.date(2025, 5, 6))
    response = api.post("/api/v1/documents/", document_payload(officer_hn.unit), format="json")
    assert response.status_code == 201, response.content


def test_a_symbol_whose_type_contradicts_the_chosen_type_is_refused(api, officer_hn):
    before = _snapshot(Document)
    response = api.post(
        "/api/v1/documents/", document_payload(officer_hn.unit, number="45-NQ/TU", doc_type="QĐ"), format="json"
    )
    assert_refused(response, "number", Document, before)
    assert "NQ" in " ".join(response.json()["number"])


def test_an_official_letter_symbol_is_of_type_cv(api, officer_hn):
    before = _snapshot(Document)
    response = api.post(
        "/api/v1/documents/", document_payload(officer_hn.unit, number="123/UBND-VP", doc_type="TB"), format="json"
    )
    assert_refused(response, "number", Document, before)
    ok = api.post("/api/v1/documents/", document_payload(officer_hn.unit, number="123/UBND-VP", doc_type="CV"), format="json")
    assert ok.status_code == 201, ok.content


def test_a_symbol_year_differing_from_the_issue_year_is_refused(api, officer_hn):
    before = _snapshot(Document)
    response = api.post(
        "/api/v1/documents/",
        document_payload(officer_hn.unit, number="05/2024/QĐ-UBND", issued_on="2025-05-06"), format="json",
    )
    assert_refused(response, "number", Document, before)


def test_an_unparseable_symbol_is_kept_and_flagged_for_review(api, officer_hn):
    response = api.post(
        "/api/v1/documents/", document_payload(officer_hn.unit, number="Số không rõ ký hiệu"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["needs_review"] is True
    assert Document.objects.get(pk=response.json()["id"]).needs_review is True
    flagged = api.get("/api/v1/documents/", {"needs_review": "true"}).json()
    assert [row["id"] for row in flagged["results"]] == [response.json()["id"]]


def test_an_unknown_document_type_is_refused_on_doc_type(api, officer_hn):
    before = _snapshot(Document)
    response = api.post("/api/v1/documents/", document_payload(officer_hn.unit, doc_type="XYZ"), format="json")
    assert_refused(response, "doc_type", Document, before)


def test_a_record_without_a_unit_is_refused_on_unit(api, officer_hn):
    before = _snapshot(Document)
    payload = document_payload(officer_hn.unit)
    del payload["unit"]
    response = api.post("/api/v1/documents/", payload, format="json")
    assert_refused(response, "unit", Document, before)


def test_a_missing_required_field_is_reported_by_name(api, officer_hn):
    before = _snapshot(Conference)
    payload = conference_payload(officer_hn.unit)
    del payload["held_on"]
    response = api.post("/api/v1/conferences/", payload, format="json")
    assert_refused(response, "held_on", Conference, before)


def test_a_bad_update_changes_nothing(api, officer_hn):
    conference = ConferenceFactory(unit=officer_hn.unit, duration_days="1.00")
    before = _snapshot(Conference)
    response = api.patch(f"/api/v1/conferences/{conference.pk}/", {"duration_days": "0"}, format="json")
    assert_refused(response, "duration_days", Conference, before)
    response = api.patch(
        f"/api/v1/conferences/{conference.pk}/", {"exception_approved": True}, format="json"
    )
    assert_refused(response, "exception_ref", Conference, before)


def test_an_update_into_a_duplicate_number_is_refused(api, officer_hn):
    DocumentFactory(unit=officer_hn.unit, number="1/QĐ-UBND")
    other = DocumentFactory(unit=officer_hn.unit, number="2/QĐ-UBND")
    before = _snapshot(Document)
    response = api.patch(f"/api/v1/documents/{other.pk}/", {"number": "1/QĐ-UBND"}, format="json")
    assert_refused(response, "number", Document, before)


def test_unit_code_can_name_the_unit_on_write(api, officer_hn, tree):
    payload = document_payload(tree["00070"])
    del payload["unit"]
    response = api.post("/api/v1/documents/", {**payload, "unit_code": "00070"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == tree["00070"].pk


def test_unit_and_unit_code_naming_different_units_are_refused(api, officer_hn, tree):
    before = _snapshot(Document)
    response = api.post(
        "/api/v1/documents/", {**document_payload(officer_hn.unit), "unit_code": "00070"}, format="json"
    )
    assert_refused(response, "unit_code", Document, before)
