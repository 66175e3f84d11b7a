"""`locked` on every record of the API: true in an approved report's window, false outside, in fixed queries."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reports import services as reports
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory
from tests.reports.conftest import YEAR, day

ENDPOINTS = {
    # endpoint -> (a record in Hà Nội's Q3 window, one after it)
    "documents": (lambda unit: DocumentFactory(unit=unit, issued_on=day(5, 10)),
                  lambda unit: DocumentFactory(unit=unit, issued_on=day(10, 5))),
    "conferences": (lambda unit: ConferenceFactory(unit=unit, held_on=day(5, 10)),
                    lambda unit: ConferenceFactory(unit=unit, held_on=day(10, 5))),
    "digitization-reports": (lambda unit: DigitizationReportFactory(unit=unit, year=YEAR, quarter=2),
                             lambda unit: DigitizationReportFactory(unit=unit, year=YEAR, quarter=4)),
}


def approve_q3(officer, reviewer, unit):
    report = reports.report_submit(user=officer, unit=unit, year=YEAR, period="Q3")
    return reports.report_approve(user=reviewer, report=report)


def list_locked(client, endpoint, page_size=100) -> tuple[dict[int, bool], int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{endpoint}/", {"page_size": page_size})
    assert response.status_code == 200, response.content
    lock_checks = [q for q in captured.captured_queries if "reports_periodreport" in q["sql"]]
    assert len(lock_checks) == 1  # the whole page in one query
    return {row["id"]: row["locked"] for row in response.json()["results"]}, len(captured)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_and_detail_say_which_records_are_locked(client_for, officer_hn, reviewer, tree, endpoint):
    inside, after = ENDPOINTS[endpoint]
    locked_row, open_row = inside(tree["00070"]), after(tree["00070"])
    other_province = inside(tree["26734"])  # the same date, outside Hà Nội's subtree
    approve_q3(officer_hn, reviewer, tree["01"])
    client = client_for(reviewer)
    flags, _ = list_locked(client, endpoint)
    assert flags == {locked_row.pk: True, open_row.pk: False, other_province.pk: False}
    for record, expected in ((locked_row, True), (open_row, False), (other_province, False)):
        assert client.get(f"/api/v1/{endpoint}/{record.pk}/").json()["locked"] is expected


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_list_checks_locks_in_a_fixed_number_of_queries(client_for, officer_hn, reviewer, tree, endpoint):
    inside, after = ENDPOINTS[endpoint]
    for unit in (tree["00070"], tree["00004"], tree["01-VP"], tree["01"]):
        inside(unit), after(unit)
    for unit in (tree["00070"], tree["00004"]):  # more rows in the window
        for quarter in (1, 3):
            if endpoint == "digitization-reports":  # one per unit and quarter
                DigitizationReportFactory(unit=unit, year=YEAR, quarter=quarter)
            else:
                inside(unit)
    approve_q3(officer_hn, reviewer, tree["01"])
    client = client_for(officer_hn)
    one, few = list_locked(client, endpoint, page_size=1)
    flags, many = list_locked(client, endpoint)
    assert len(one) == 1 and len(flags) >= 10 and sorted(set(flags.values())) == [False, True]
    assert many == few


def test_locked_is_read_only_and_ignored_on_write(client_for, officer_hn, tree):
    from tests.api.conftest import document_payload

    payload = document_payload(tree["01"], locked=True)
    response = client_for(officer_hn).post("/api/v1/documents/", payload, format="json")
    assert response.status_code == 201 and response.json()["locked"] is False


def test_reopening_the_report_makes_the_records_unlocked_again(client_for, officer_hn, reviewer, administrator, tree):
    record = DocumentFactory(unit=tree["00070"], issued_on=day(5, 10))
    report = approve_q3(officer_hn, reviewer, tree["01"])
    client = client_for(officer_hn)
    assert client.get(f"/api/v1/documents/{record.pk}/").json()["locked"] is True
    assert client.patch(f"/api/v1/documents/{record.pk}/", {"title": "Sửa"}, format="json").status_code == 400
    reports.report_reopen(user=administrator, report=report, reason="Bổ sung văn bản tháng 5")
    assert client.get(f"/api/v1/documents/{record.pk}/").json()["locked"] is False
    assert client.patch(f"/api/v1/documents/{record.pk}/", {"title": "Sửa"}, format="json").status_code == 200


def test_the_schema_shows_locked_read_only_on_the_three_record_serializers(client_for, reviewer):
    schema = client_for(reviewer).get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    for name in ("Document", "Conference", "DigitizationReport"):
        locked = schema[name]["properties"]["locked"]
        assert locked["type"] == "boolean" and locked["readOnly"] is True and locked["description"], name
        assert "locked" not in schema.get(f"{name}Request", {}).get("properties", {})
