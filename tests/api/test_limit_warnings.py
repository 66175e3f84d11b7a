"""A conference written through the API is answered with the limits of 226-KL/TW it goes over (`warnings`), as the
form warns: saved all the same, in the user's language, the limits those in force in the conference's year."""
from __future__ import annotations

import pytest

from meetings.models import Conference
from reform.models import Target
from tests.api.conftest import conference_payload
from tests.factories import choose_language

pytestmark = pytest.mark.django_db


def test_a_conference_over_its_duration_limit_is_saved_and_answered_with_the_warning(client_for, officer_hn):
    client = choose_language(client_for(officer_hn), "en")
    response = client.post("/api/v1/conferences/", conference_payload(officer_hn.unit, duration_days="1"),
                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert Conference.objects.filter(pk=body["id"], duration_days=1).exists()
    assert len(body["warnings"]) == 1
    warning = body["warnings"][0]
    duration = Target.objects.get(code="CONFERENCE_DURATION")
    assert f"clause {duration.clause}" in warning and "0.5" in warning and "CONFERENCE_DURATION" not in warning
    # Vietnamese by default, as the form
    again = client_for(officer_hn).post("/api/v1/conferences/", conference_payload(
        officer_hn.unit, title="Hội nghị khác", duration_days="1"), format="json")
    assert f"mục {duration.clause}" in again.json()["warnings"][0] and "0,5" in again.json()["warnings"][0]


def test_a_conference_within_its_limits_has_none_and_a_patch_that_breaks_one_has_it(client_for, officer_hn):
    client = client_for(officer_hn)
    created = client.post("/api/v1/conferences/", conference_payload(officer_hn.unit), format="json")
    assert created.status_code == 201 and created.json()["warnings"] == []
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/conferences/{pk}/", {"duration_days": "2"}, format="json")
    assert changed.status_code == 200 and len(changed.json()["warnings"]) == 1
    back = client.put(f"/api/v1/conferences/{pk}/", conference_payload(officer_hn.unit), format="json")
    assert back.status_code == 200 and back.json()["warnings"] == []


def test_reads_do_not_carry_warnings_and_a_sent_warnings_field_is_ignored(client_for, officer_hn):
    client = client_for(officer_hn)
    created = client.post("/api/v1/conferences/", {**conference_payload(officer_hn.unit), "warnings": ["x"]},
                          format="json")
    assert created.status_code == 201 and created.json()["warnings"] == []
    pk = created.json()["id"]
    assert "warnings" not in client.get(f"/api/v1/conferences/{pk}/").json()
    assert all("warnings" not in row for row in client.get("/api/v1/conferences/").json()["results"])


def test_a_regular_session_is_judged_by_no_limit(client_for, officer_hn):
    response = client_for(officer_hn).post(
        "/api/v1/conferences/", conference_payload(officer_hn.unit, duration_days="3", is_regular_session=True),
        format="json")
    assert response.status_code == 201 and response.json()["warnings"] == []
