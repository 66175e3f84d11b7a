"""The field names of SPEC section 7 are a contract: every resource answers with at least them."""
from decimal import Decimal

from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory

SPEC_FIELDS = {
    "units": {"id", "code", "name", "level", "kind", "block", "parent"},
    "document-types": {"code", "name", "counts_toward_reduction"},
    "documents": {"id", "unit", "number", "doc_type", "title", "issued_on", "is_digitized", "sent_electronically"},
    "conferences": {
        "id", "unit", "title", "held_on", "duration_days", "format", "category", "scope", "is_regular_session",
        "exception_approved", "exception_ref", "reheld_after_online", "budget_allocated", "budget_spent",
        "opening_speech_min", "closing_speeches_min", "longest_presentation_min", "participants",
    },
    "digitization-reports": {"id", "unit", "year", "quarter", "procedures_total", "procedures_digital"},
}


def _first(client, resource, **params):
    response = client.get(f"/api/v1/{resource}/", params)
    assert response.status_code == 200
    return response.json()["results"][0]


def test_units_have_the_spec_fields_and_parent_is_an_id_or_null(client_for, reviewer, tree):
    client = client_for(reviewer)
    root = _first(client, "units", code="TW")
    assert SPEC_FIELDS["units"] <= set(root)
    assert root["parent"] is None
    hanoi = _first(client, "units", code="01")
    assert hanoi == {
        "id": tree["01"].pk, "code": "01", "name": "Thành phố Hà Nội", "level": "provincial", "kind": "locality",
        "block": "state", "parent": tree["TW"].pk, "valid_until": None, "successors": [], "predecessors": [],
    }


def test_document_types_have_the_spec_fields_and_are_looked_up_by_code(client_for, officer_hn):
    client = client_for(officer_hn)
    row = _first(client, "document-types")
    assert SPEC_FIELDS["document-types"] <= set(row)
    decree = client.get("/api/v1/document-types/NĐ/").json()
    assert decree["code"] == "NĐ"
    assert decree["counts_toward_reduction"] is False


def test_documents_have_the_spec_fields_with_doc_type_as_its_code(client_for, officer_hn):
    document = DocumentFactory(unit=officer_hn.unit, number="7/KH-UBND", doc_type_id="KH")
    row = _first(client_for(officer_hn), "documents")
    assert SPEC_FIELDS["documents"] <= set(row)
    assert row["id"] == document.pk
    assert row["unit"] == officer_hn.unit.pk
    assert row["doc_type"] == "KH"
    assert row["number"] == "7/KH-UBND"
    assert row["issued_on"] == "2025-03-10"
    assert row["is_digitized"] is True and row["sent_electronically"] is True
    # Additions beyond the contract, all read-only.
    assert row["unit_code"] == "01" and row["year"] == 2025 and row["needs_review"] is False


def test_conferences_have_every_spec_field(client_for, officer_hn):
    ConferenceFactory(
        unit=officer_hn.unit, exception_approved=True, exception_ref="12-QĐ/TU", budget_allocated=50_000_000,
        budget_spent=48_000_000, opening_speech_min=10, closing_speeches_min=40, longest_presentation_min=9,
        participants=320, duration_days=Decimal("1.5"), format="hybrid", category="important", scope="all_leaders",
    )
    row = _first(client_for(officer_hn), "conferences")
    assert SPEC_FIELDS["conferences"] <= set(row)
    assert row["exception_ref"] == "12-QĐ/TU"
    assert row["budget_allocated"] == 50_000_000
    assert row["duration_days"] == "1.50"
    assert (row["format"], row["category"], row["scope"]) == ("hybrid", "important", "all_leaders")


def test_digitization_reports_have_the_spec_fields(client_for, officer_hn):
    DigitizationReportFactory(unit=officer_hn.unit, year=2025, quarter=3, procedures_total=200, procedures_digital=190)
    row = _first(client_for(officer_hn), "digitization-reports")
    assert SPEC_FIELDS["digitization-reports"] <= set(row)
    assert (row["year"], row["quarter"], row["procedures_total"], row["procedures_digital"]) == (2025, 3, 200, 190)
