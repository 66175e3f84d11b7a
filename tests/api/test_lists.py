"""Pagination (count/next/previous/results, page_size up to 500), deterministic order, and every filter."""
import datetime
from decimal import Decimal

import pytest

from documents.models import Document
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory, UnitFactory


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_lists_are_paginated_with_count_next_previous_results(client_for, reviewer, tree):
    for i in range(5):
        DocumentFactory(unit=tree["01"], issued_on=datetime.date(2025, 1, 1 + i))
    client = client_for(reviewer)
    first = client.get("/api/v1/documents/", {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    last = client.get("/api/v1/documents/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]


def test_page_size_is_capped_at_500(client_for, reviewer, tree):
    rows = [
        DocumentFactory.build(unit=tree["01"], number=f"{i}/TB-UBND", doc_type_id="TB", year=2025)
        for i in range(1, 502)
    ]
    Document.objects.bulk_create(rows)
    client = client_for(reviewer)
    body = client.get("/api/v1/documents/", {"page_size": 1000}).json()
    assert body["count"] == 501
    assert len(body["results"]) == 500
    assert len(client.get("/api/v1/documents/", {"page_size": 500}).json()["results"]) == 500
    assert len(client.get("/api/v1/documents/").json()["results"]) == 50  # the default page


def test_order_is_deterministic_newest_first_then_by_id(client_for, reviewer, tree):
    same_day = [DocumentFactory(unit=tree["01"], issued_on=datetime.date(2025, 6, 1)) for _ in range(3)]
    older = DocumentFactory(unit=tree["79"], issued_on=datetime.date(2025, 2, 1))
    newer = DocumentFactory(unit=tree["79"], issued_on=datetime.date(2025, 9, 1))
    expected = [newer.pk, *sorted((d.pk for d in same_day), reverse=True), older.pk]
    client = client_for(reviewer)
    assert _ids(client.get("/api/v1/documents/")) == expected
    paged = _ids(client.get("/api/v1/documents/", {"page_size": 2})) + _ids(
        client.get("/api/v1/documents/", {"page_size": 2, "page": 2})
    ) + _ids(client.get("/api/v1/documents/", {"page_size": 2, "page": 3}))
    assert paged == expected


@pytest.fixture
def documents(tree):
    return {
        "hn_2025": DocumentFactory(unit=tree["01"], number="1/QĐ-UBND", doc_type_id="QĐ", title="Quy chế làm việc",
                                   issued_on=datetime.date(2025, 3, 1), is_digitized=True, sent_electronically=True),
        "hn_2024": DocumentFactory(unit=tree["01"], number="9/KH-UBND", doc_type_id="KH", title="Kế hoạch năm",
                                   issued_on=datetime.date(2024, 11, 5), is_digitized=False, sent_electronically=True),
        "hk_2025": DocumentFactory(unit=tree["00070"], number="3/TB-UBND", doc_type_id="TB", title="Thông báo lịch",
                                   issued_on=datetime.date(2025, 7, 9), is_digitized=True, sent_electronically=False),
        "hcm_odd": DocumentFactory(unit=tree["79"], number="Số lạ", doc_type_id="BC", title="Báo cáo quý",
                                   issued_on=datetime.date(2025, 8, 1), needs_review=True,
                                   is_digitized=False, sent_electronically=False),
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"unit_code": "01"}, {"hn_2025", "hn_2024"}),
    ({"subtree": "01"}, {"hn_2025", "hn_2024", "hk_2025"}),
    ({"subtree": "NOPE"}, set()),
    ({"year": 2024}, {"hn_2024"}),
    ({"doc_type": "TB"}, {"hk_2025"}),
    ({"issued_after": "2025-03-01"}, {"hn_2025", "hk_2025", "hcm_odd"}),
    ({"issued_before": "2025-03-01"}, {"hn_2025", "hn_2024"}),
    ({"issued_after": "2025-03-02", "issued_before": "2025-07-31"}, {"hk_2025"}),
    ({"is_digitized": "false"}, {"hn_2024", "hcm_odd"}),
    ({"is_digitized": "true"}, {"hn_2025", "hk_2025"}),
    ({"sent_electronically": "false"}, {"hk_2025", "hcm_odd"}),
    ({"needs_review": "true"}, {"hcm_odd"}),
    ({"q": "kế hoạch"}, {"hn_2024"}),
    ({"q": "tb-ubnd"}, {"hk_2025"}),
    ({"year": 2025, "unit_code": "01"}, {"hn_2025"}),
])
def test_document_filters(client_for, reviewer, documents, params, expected):
    got = set(_ids(client_for(reviewer).get("/api/v1/documents/", params)))
    assert got == {documents[key].pk for key in expected}


def test_document_filter_by_unit_id(client_for, reviewer, documents, tree):
    got = set(_ids(client_for(reviewer).get("/api/v1/documents/", {"unit": tree["00070"].pk})))
    assert got == {documents["hk_2025"].pk}


def test_an_invalid_filter_value_is_a_400_naming_the_filter(client_for, reviewer, documents):
    response = client_for(reviewer).get("/api/v1/documents/", {"issued_after": "not-a-date"})
    assert response.status_code == 400
    assert "issued_after" in response.json()


@pytest.fixture
def conferences(tree):
    return {
        "a": ConferenceFactory(unit=tree["01"], title="Hội nghị tổng kết", held_on=datetime.date(2025, 1, 15),
                               format="in_person", category="important", scope="all_leaders", duration_days=Decimal("1")),
        "b": ConferenceFactory(unit=tree["01"], title="Kỳ họp thường lệ HĐND", held_on=datetime.date(2024, 12, 20),
                               format="online", category="professional", scope="internal", is_regular_session=True),
        "c": ConferenceFactory(unit=tree["26734"], title="Hội nghị chuyên đề", held_on=datetime.date(2025, 6, 3),
                               format="hybrid", category="dissemination", scope="specialized"),
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"unit_code": "01"}, {"a", "b"}),
    ({"subtree": "79"}, {"c"}),
    ({"year": 2025}, {"a", "c"}),
    ({"year": 2024}, {"b"}),
    ({"format": "hybrid"}, {"c"}),
    ({"category": "important"}, {"a"}),
    ({"scope": "internal"}, {"b"}),
    ({"is_regular_session": "true"}, {"b"}),
    ({"is_regular_session": "false"}, {"a", "c"}),
    ({"held_after": "2025-01-15"}, {"a", "c"}),
    ({"held_before": "2025-01-14"}, {"b"}),
    ({"q": "chuyên đề"}, {"c"}),
])
def test_conference_filters(client_for, reviewer, conferences, params, expected):
    got = set(_ids(client_for(reviewer).get("/api/v1/conferences/", params)))
    assert got == {conferences[key].pk for key in expected}


@pytest.mark.parametrize("year", ["0", "-1", "9999", "10000", "1e5"])
def test_a_conference_year_no_date_can_fall_in_matches_nothing(client_for, reviewer, conferences, year):
    """Such years used to crash building the year's first day (a 500); like the documents' year, they match nothing."""
    response = client_for(reviewer).get("/api/v1/conferences/", {"year": year})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("year", ["0", "-1", "9999", "10000", "1e5"])
def test_a_document_year_no_date_can_fall_in_matches_nothing(client_for, reviewer, documents, year):
    """The documents' year filter also bounds the issue date (so a list walks the date index): a year no
    date can fall in matches nothing rather than failing to build the year's first day."""
    response = client_for(reviewer).get("/api/v1/documents/", {"year": year})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_document_year_filter_uses_the_issue_date_index(reviewer, documents):
    """`?year=` bounds issued_on too: PostgreSQL can read a year's documents newest first from the
    (issued_on, id) index instead of sorting them all."""
    from documents.filtersets import DocumentFilterSet
    from documents.models import Document

    qs = DocumentFilterSet({"year": "2025"}, queryset=Document.objects.all()).qs
    sql = str(qs.query)
    assert '"issued_on" >= 2025-01-01' in sql and '"issued_on" < 2026-01-01' in sql and '"year" = 2025' in sql


def test_format_is_a_conference_filter_not_a_renderer_choice(client_for, reviewer, conferences):
    response = client_for(reviewer).get("/api/v1/conferences/", {"format": "online"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert {row["id"] for row in response.json()["results"]} == {conferences["b"].pk}


def test_conference_filter_by_unit_id(client_for, reviewer, conferences, tree):
    got = set(_ids(client_for(reviewer).get("/api/v1/conferences/", {"unit": tree["26734"].pk})))
    assert got == {conferences["c"].pk}


@pytest.mark.parametrize(("params", "expected"), [
    ({"unit_code": "79"}, {"hcm_q1"}),
    ({"unit_code": "01"}, {"hn_q1", "hn_q2", "hn_2024"}),
    ({"year": 2024}, {"hn_2024"}),
    ({"quarter": 2}, {"hn_q2"}),
    ({"year": 2025, "quarter": 1}, {"hn_q1", "hcm_q1"}),
])
def test_digitization_report_filters(client_for, reviewer, tree, params, expected):
    reports = {
        "hn_q1": DigitizationReportFactory(unit=tree["01"], year=2025, quarter=1),
        "hn_q2": DigitizationReportFactory(unit=tree["01"], year=2025, quarter=2),
        "hn_2024": DigitizationReportFactory(unit=tree["01"], year=2024, quarter=4),
        "hcm_q1": DigitizationReportFactory(unit=tree["79"], year=2025, quarter=1),
    }
    got = set(_ids(client_for(reviewer).get("/api/v1/digitization-reports/", params)))
    assert got == {reports[key].pk for key in expected}
    by_unit = set(_ids(client_for(reviewer).get("/api/v1/digitization-reports/", {"unit": tree["79"].pk})))
    assert by_unit == {reports["hcm_q1"].pk}


@pytest.mark.parametrize(("params", "expected"), [
    ({"code": "01"}, {"01"}),
    ({"level": "commune"}, {"00070", "00004", "26734", "26740"}),
    ({"kind": "agency"}, {"01-VP", "01-DU"}),
    ({"block": "party"}, {"01-DU"}),
    ({"parent": "null"}, {"TW"}),
    ({"q": "hoàn kiếm"}, {"00070"}),
    ({"q": "2673"}, {"26734"}),
])
def test_unit_filters(client_for, reviewer, tree, params, expected):
    UnitFactory(code="01-DU", name="Đảng ủy", level="provincial", kind="agency", block="party", parent=tree["01"])
    codes = {row["code"] for row in client_for(reviewer).get("/api/v1/units/", {**params, "page_size": 500}).json()["results"]}
    assert codes == expected


def test_unit_filter_by_parent_id(client_for, reviewer, tree):
    rows = client_for(reviewer).get("/api/v1/units/", {"parent": tree["79"].pk}).json()["results"]
    assert {row["code"] for row in rows} == {"26734", "26740"}


def test_document_types_filter_by_counting(client_for, officer_hn):
    rows = client_for(officer_hn).get("/api/v1/document-types/", {"counts_toward_reduction": "false"}).json()["results"]
    assert {row["code"] for row in rows} == {"NĐ", "TT", "TTLT"}
