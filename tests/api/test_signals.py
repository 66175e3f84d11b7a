"""`/api/v1/signals/` (SPEC 7): the contract's rows and filters, scoping like the records, reviews, the schema."""
from datetime import datetime, timezone as dt_timezone

import pytest

from reporting.choices import ReviewState, SignalKind
from reporting.models import Signal
from tests.factories import UserFactory, choose_language

pytestmark = pytest.mark.django_db


def plant(unit, kind=SignalKind.NUMBER_GAPS, severity="warning", key="qđ-ubnd", year=2025):
    params = {"missing": 3, "expected": 10, "series": "QĐ-UBND"} if kind == SignalKind.NUMBER_GAPS else {
        "quarters": "Q4/2025"}
    return Signal.objects.create(unit=unit, year=year, kind=kind, key=key, severity=severity,
                                 rank={"critical": 0, "warning": 1, "info": 2}[severity], params=params,
                                 evidence={"missing": 3, "missing_numbers": [2, 5, 7]},
                                 computed_at=datetime(2026, 1, 1, tzinfo=dt_timezone.utc))


def test_rows_carry_the_contract_fields_with_the_message_in_the_users_language(client_for, tree):
    plant(tree["00070"])
    reviewer = UserFactory(username="rev", role="reviewer")
    response = choose_language(client_for(reviewer), "en").get("/api/v1/signals/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert {"unit", "unit_code", "year", "kind", "severity", "message", "evidence"} <= set(row)
    assert (row["unit_code"], row["kind"], row["severity"]) == ("00070", "number_gaps", "warning")
    assert row["message"] == "3 of 10 numbers missing in series QĐ-UBND"
    assert row["evidence"]["missing_numbers"] == [2, 5, 7]


def test_filters_and_sorting_by_severity(client_for, tree):
    plant(tree["00070"], severity="warning")
    plant(tree["26734"], severity="critical")
    plant(tree["00004"], kind=SignalKind.MISSING_REPORT, severity="info", key="")
    plant(tree["00004"], year=2024)
    client = client_for(UserFactory(username="rev", role="reviewer"))
    rows = client.get("/api/v1/signals/", {"year": 2025}).json()["results"]
    assert [r["severity"] for r in rows] == ["critical", "warning", "info"]
    assert [r["unit_code"] for r in client.get("/api/v1/signals/", {"kind": "missing_report"}).json()["results"]] == [
        "00004"]
    assert len(client.get("/api/v1/signals/", {"severity": "critical"}).json()["results"]) == 1
    assert len(client.get("/api/v1/signals/", {"unit": tree["00004"].pk}).json()["results"]) == 2
    assert client.get("/api/v1/signals/", {"severity": "loud"}).status_code == 400


def test_an_officer_sees_only_their_subtree_and_another_units_signal_is_404(client_for, tree, officer_hn):
    mine, theirs = plant(tree["00070"]), plant(tree["26734"])
    client = client_for(officer_hn)
    assert [r["id"] for r in client.get("/api/v1/signals/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/signals/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/signals/{theirs.pk}/").status_code == 404


def test_a_reviewer_reviews_a_signal_and_an_officer_cannot(client_for, tree, officer_hn):
    signal = plant(tree["00070"])
    reviewer = client_for(UserFactory(username="rev", role="reviewer"))
    refused = reviewer.post(f"/api/v1/signals/{signal.pk}/review/", {"review_state": "explained"}, format="json")
    assert refused.status_code == 400 and "review_comment" in refused.json()
    done = reviewer.post(f"/api/v1/signals/{signal.pk}/review/",
                         {"review_state": "explained", "review_comment": "Số bị hủy"}, format="json")
    assert done.status_code == 200 and done.json()["review_state"] == "explained"
    assert client_for(officer_hn).post(f"/api/v1/signals/{signal.pk}/review/", {"review_state": "confirmed"},
                                       format="json").status_code == 403
    signal.refresh_from_db()
    assert (signal.review_state, signal.review_comment) == (ReviewState.EXPLAINED, "Số bị hủy")
    assert signal.history.count() == 2  # created, reviewed


def test_the_schema_shows_the_signals_endpoint_and_fields(client_for, officer_hn):
    schema = client_for(officer_hn).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/signals/" in schema["paths"] and "/api/v1/signals/{id}/review/" in schema["paths"]
    fields = schema["components"]["schemas"]["Signal"]["properties"]
    assert {"unit", "unit_code", "year", "kind", "severity", "message", "evidence"} <= set(fields)
    params = {p["name"] for p in schema["paths"]["/api/v1/signals/"]["get"]["parameters"]}
    assert {"year", "unit", "kind", "severity"} <= params
