"""The compliance API of SPEC section 7: field names, filters, scoping, validation, tasks."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reform.models import TargetThreshold
from reporting.services import compliance_compute
from tests.factories import ConferenceFactory, DocumentFactory

RESULT_FIELDS = {"unit", "year", "period", "target", "status", "value", "threshold", "numerator", "denominator",
                 "baseline", "computed_at"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def computed(tree):
    """2024 and 2025 records in Hà Nội's Hoàn Kiếm and HCMC's Sài Gòn, and 2025 computed."""
    for i in range(20):
        DocumentFactory(unit=tree["00070"], number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(2024, 4, 1))
    for i in range(17):
        DocumentFactory(unit=tree["00070"], number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(2025, 4, 1))
    for i in range(10):
        DocumentFactory(unit=tree["26734"], number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(2024, 4, 1))
    for i in range(12):
        DocumentFactory(unit=tree["26734"], number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(2025, 4, 1))
    ConferenceFactory(unit=tree["00070"], held_on=datetime.date(2025, 2, 3), format="in_person")
    ConferenceFactory(unit=tree["00070"], held_on=datetime.date(2025, 2, 4), format="online")
    compliance_compute(year=2025)
    return tree


# --- targets ----------------------------------------------------------------------------------------------


def test_targets_list_the_twelve_targets_with_the_contract_fields(reviewer):
    body = client_for(reviewer).get("/api/v1/targets/", {"year": 2026}).json()
    assert body["count"] == 12
    row = next(r for r in body["results"] if r["code"] == "DOC_REDUCTION")
    assert {"code", "name", "threshold", "clause", "applies_from", "name_vi", "name_en", "comparison"} <= set(row)
    assert (row["threshold"], row["clause"], row["applies_from"]) == ("0.1500", "2.1", 2025)
    cap = next(r for r in body["results"] if r["code"] == "PROVINCE_WIDE_CAP")
    assert cap["threshold"] == "2.0000"


def test_targets_show_the_threshold_in_force_for_the_year_asked(reviewer):
    TargetThreshold.objects.create(target_id="DOC_REDUCTION", applies_from=2027, threshold="0.2000")
    client = client_for(reviewer)
    later = next(r for r in client.get("/api/v1/targets/", {"year": 2027}).json()["results"]
                 if r["code"] == "DOC_REDUCTION")
    earlier = next(r for r in client.get("/api/v1/targets/", {"year": 2026}).json()["results"]
                   if r["code"] == "DOC_REDUCTION")
    before = next(r for r in client.get("/api/v1/targets/", {"year": 2020}).json()["results"]
                  if r["code"] == "DOC_REDUCTION")
    assert (later["threshold"], later["applies_from"]) == ("0.2000", 2027)
    assert (earlier["threshold"], earlier["applies_from"]) == ("0.1500", 2025)
    assert (before["threshold"], before["applies_from"]) == (None, None)


def test_targets_refuse_a_bad_year(reviewer):
    response = client_for(reviewer).get("/api/v1/targets/", {"year": "abc"})
    assert response.status_code == 400
    assert "year" in response.json()


def test_targets_need_authentication(db):
    assert APIClient().get("/api/v1/targets/").status_code in (401, 403)


# --- compute and tasks ------------------------------------------------------------------------------------


def test_reviewer_starts_a_compute_and_follows_it_to_success(reviewer, tree):
    client = client_for(reviewer)
    response = client.post("/api/v1/compliance/compute/", {"year": 2025}, format="json")
    assert response.status_code == 202
    task_id = response.json()["task_id"]
    assert response.json()["status_url"] == f"/api/v1/tasks/{task_id}/"
    body = client.get(f"/api/v1/tasks/{task_id}/").json()
    assert body["task_id"] == task_id
    assert body["state"] == "SUCCESS"
    assert body["result"]["year"] == 2025 and body["result"]["units"] == len(tree)
    assert body["progress"] == {"done": len(tree), "total": len(tree)}
    assert client.get("/api/v1/compliance/", {"year": 2025}).json()["count"] > 0


def test_compute_for_one_unit_by_code_or_by_id(administrator, tree):
    client = client_for(administrator)
    by_code = client.post("/api/v1/compliance/compute/", {"year": 2025, "unit": "01"}, format="json")
    by_id = client.post("/api/v1/compliance/compute/", {"year": 2025, "unit": tree["79"].pk}, format="json")
    assert by_code.status_code == by_id.status_code == 202
    assert client.get(f"/api/v1/tasks/{by_code.json()['task_id']}/").json()["result"]["unit"] == "01"
    assert client.get(f"/api/v1/tasks/{by_id.json()['task_id']}/").json()["result"]["unit"] == "79"


def test_entry_officers_cannot_start_a_compute(officer_hn):
    response = client_for(officer_hn).post("/api/v1/compliance/compute/", {"year": 2025}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("body, field", [
    ({}, "year"),
    ({"year": "soon"}, "year"),
    ({"year": 1999}, "year"),
    ({"year": timezone.localdate().year + 1}, "year"),
    ({"year": 2025, "unit": "NOPE"}, "unit"),
    ({"year": 2025, "unit": 999999}, "unit"),
    ({"year": 2025, "unit": [1]}, "unit"),
])
def test_compute_answers_400_with_the_field_in_error(reviewer, body, field):
    response = client_for(reviewer).post("/api/v1/compliance/compute/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_task_is_pending(reviewer):
    body = client_for(reviewer).get("/api/v1/tasks/00000000-0000-0000-0000-000000000000/").json()
    assert body == {"task_id": "00000000-0000-0000-0000-000000000000", "state": "PENDING", "progress": None}


def test_a_failed_task_reports_failure_and_why(reviewer, tree):
    from reporting.tasks import compliance_compute_task

    result = compliance_compute_task.apply_async(kwargs={"year": 2025, "unit_id": 987654321})
    body = client_for(reviewer).get(f"/api/v1/tasks/{result.id}/").json()
    assert body["state"] == "FAILURE"
    assert "DoesNotExist" in body["error"]


# --- results ----------------------------------------------------------------------------------------------


def test_results_rows_have_the_contract_fields_and_four_decimal_values(reviewer, computed):
    body = client_for(reviewer).get("/api/v1/compliance/", {
        "year": 2025, "period": "Y", "unit": computed["00070"].pk, "target": "DOC_REDUCTION"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert RESULT_FIELDS <= set(row)
    assert row["unit"] == computed["00070"].pk and row["unit_code"] == "00070"
    # 20 → 17 documents: 15 % fewer, exactly the threshold, met.
    assert (row["status"], row["value"], row["threshold"]) == ("met", "0.1500", "0.1500")
    assert (row["numerator"], row["baseline"]) == (17, 20)


def test_results_filter_by_year_period_target_status_and_unit_code(reviewer, computed):
    client = client_for(reviewer)
    rows = client.get("/api/v1/compliance/", {"year": 2025, "period": "Q2", "target": "DOC_REDUCTION",
                                              "status": "missed", "page_size": 500}).json()["results"]
    assert [r["unit_code"] for r in rows] == ["26734"]  # 10 → 12 documents: an increase
    assert rows[0]["value"] == "-0.2000"
    by_code = client.get("/api/v1/compliance/", {"year": 2025, "unit_code": "26734", "page_size": 500}).json()
    assert by_code["count"] == 5 * 12  # every period, every target
    assert client.get("/api/v1/compliance/", {"year": 2024}).json()["count"] == 0
    share = client.get("/api/v1/compliance/", {"year": 2025, "period": "Y", "unit_code": "00070",
                                               "target": "MEETING_ONLINE_SHARE"}).json()["results"][0]
    assert (share["status"], share["value"], share["numerator"], share["denominator"]) == ("missed", "0.5000", 1, 2)


def test_results_refuse_an_unknown_period(reviewer, computed):
    response = client_for(reviewer).get("/api/v1/compliance/", {"period": "Q5"})
    assert response.status_code == 400
    assert "period" in response.json()


def test_results_are_paginated(reviewer, computed):
    body = client_for(reviewer).get("/api/v1/compliance/", {"year": 2025, "page_size": 7}).json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert len(body["results"]) == 7 and body["next"]


def test_an_entry_officer_sees_only_the_results_of_their_subtree(officer_hn, computed):
    client = client_for(officer_hn)
    codes = {r["unit_code"] for r in client.get("/api/v1/compliance/", {"year": 2025, "period": "Y",
                                                                        "page_size": 500}).json()["results"]}
    assert codes == {"01", "00070", "00004", "01-VP"}
    other = client.get("/api/v1/compliance/", {"year": 2025, "unit": computed["26734"].pk}).json()
    assert other["count"] == 0
    assert client.get("/api/v1/compliance/", {"year": 2025, "unit_code": "79"}).json()["count"] == 0


def test_the_results_list_runs_a_fixed_number_of_queries(reviewer, computed, django_assert_max_num_queries):
    client = client_for(reviewer)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/compliance/", {"year": 2025, "page_size": 500}).json()
    assert len(body["results"]) == body["count"] == len(computed) * 5 * 12


# --- summary ----------------------------------------------------------------------------------------------


def test_summary_defaults_to_the_root_and_counts_units_by_status(reviewer, computed):
    body = client_for(reviewer).get("/api/v1/compliance/summary/", {"year": 2025}).json()
    assert (body["unit_code"], body["year"], body["period"]) == ("TW", 2025, "Y")
    assert len(body["targets"]) == 12
    row = next(t for t in body["targets"] if t["code"] == "DOC_REDUCTION")
    assert row["n_units"] == len(computed)
    assert row["counts"]["met"] == 1 and row["counts"]["missed"] == 1
    assert sum(row["counts"].values()) == row["n_units"]
    assert row["shares"]["met"] == f"{1 / len(computed):.4f}"
    # The aggregate over the summed counts: (30 - 29) / 30.
    assert (row["numerator"], row["baseline"], row["value"]) == (29, 30, "0.0333")
    assert {"code", "name", "clause", "threshold", "status", "value"} <= set(row)


def test_summary_of_a_province_by_code_and_quarter(reviewer, computed):
    body = client_for(reviewer).get("/api/v1/compliance/summary/", {"year": 2025, "period": "Q2",
                                                                    "unit": "79"}).json()
    row = next(t for t in body["targets"] if t["code"] == "DOC_REDUCTION")
    assert (body["unit_code"], body["period"], row["n_units"]) == ("79", "Q2", 3)
    assert row["status"] == "missed"


def test_summary_of_a_commune_is_its_own_result(reviewer, computed):
    body = client_for(reviewer).get("/api/v1/compliance/summary/", {"year": 2025, "unit": "00070"}).json()
    row = next(t for t in body["targets"] if t["code"] == "DOC_REDUCTION")
    own = client_for(reviewer).get("/api/v1/compliance/", {"year": 2025, "period": "Y", "unit_code": "00070",
                                                            "target": "DOC_REDUCTION"}).json()["results"][0]
    assert (body["unit_code"], row["n_units"], sum(row["counts"].values())) == ("00070", 1, 1)
    assert row["counts"][own["status"]] == 1
    assert (row["status"], row["value"], row["numerator"], row["baseline"]) == (
        own["status"], own["value"], own["numerator"], own["baseline"])
    assert row["computed_at"] is not None


def test_summary_of_a_unit_outside_an_officers_subtree_is_404(officer_hn, computed):
    client = client_for(officer_hn)
    assert client.get("/api/v1/compliance/summary/", {"year": 2025, "unit": "79"}).status_code == 404
    assert client.get("/api/v1/compliance/summary/", {"year": 2025, "unit": "01"}).status_code == 200
    # Without a unit an officer gets their own.
    assert client.get("/api/v1/compliance/summary/", {"year": 2025}).json()["unit_code"] == "01"


def test_summary_reads_unit_as_a_code_never_as_an_id(officer_hn, tree, computed):
    """`unit=79` is Hồ Chí Minh City; it used to fall back to the unit whose id is 79, which may be one of the
    officer's own units, answering for a province they may not see."""
    from tests.factories import UnitFactory

    # A unit of the officer's subtree whose id reads like a code.
    UnitFactory(id=79_000, code="00079", name="Phường Thử", level="commune", parent=tree["01"])
    client = client_for(officer_hn)
    assert client.get("/api/v1/compliance/summary/", {"year": 2025, "unit": "79000"}).status_code == 404
    assert client.get("/api/v1/compliance/summary/", {"year": 2025, "unit": "79"}).status_code == 404
    body = client.get("/api/v1/compliance/summary/", {"year": 2025, "unit_id": 79_000})
    assert body.status_code == 200 and body.json()["unit_code"] == "00079"
    assert client.get("/api/v1/compliance/summary/", {"year": 2025, "unit_id": tree["79"].pk}).status_code == 404
    both = client.get("/api/v1/compliance/summary/", {"year": 2025, "unit": "01", "unit_id": 79_000})
    assert both.status_code == 400 and "unit_id" in both.json()


def test_summary_refuses_a_bad_period(reviewer, computed):
    response = client_for(reviewer).get("/api/v1/compliance/summary/", {"year": 2025, "period": "H3"})
    assert response.status_code == 400
    assert "period" in response.json()


def test_the_schema_stays_valid_and_lists_the_compliance_endpoints(reviewer):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = client_for(reviewer).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/targets/", "/api/v1/compliance/", "/api/v1/compliance/summary/",
                 "/api/v1/compliance/compute/", "/api/v1/tasks/{task_id}/"):
        assert path in schema["paths"], path
