"""The unit resource across the 1 July 2025 reorganisation: valid_until, successors, predecessors, `current`."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_api(client_for):
    call_command("load_units", verbosity=0)
    return client_for(UserFactory(username="lineage-reviewer", role="reviewer"))


def test_units_carry_their_lineage_and_filter_on_current(reviewer_api):
    hai_phong = reviewer_api.get("/api/v1/units/", {"code": "31"}).json()["results"][0]
    assert hai_phong["valid_until"] is None and hai_phong["successors"] == []
    assert {"L30", "L31", "L288"} <= set(hai_phong["predecessors"])
    hai_duong = reviewer_api.get("/api/v1/units/", {"code": "L30"}).json()["results"][0]
    assert (hai_duong["valid_until"], hai_duong["successors"], hai_duong["level"]) == ("2025-06-30", ["31"], "provincial")
    ba_dinh = reviewer_api.get("/api/v1/units/", {"code": "00004"}).json()["results"][0]
    assert {"L00004", "L00013"} <= set(ba_dinh["predecessors"])
    assert reviewer_api.get("/api/v1/units/", {"current": "false", "level": "district"}).json()["count"] == 696
    assert reviewer_api.get("/api/v1/units/", {"current": "true", "level": "commune"}).json()["count"] == 3321
    assert reviewer_api.get("/api/v1/units/", {"current": "false", "level": "commune"}).json()["count"] == 10035


def test_the_unit_list_runs_a_fixed_number_of_queries(reviewer_api, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert len(reviewer_api.get("/api/v1/units/", {"current": "false"}).json()["results"]) > 10


def test_the_schema_shows_the_lineage_fields(reviewer_api):
    schema = reviewer_api.get("/api/schema/", {"format": "json"}).json()
    unit = schema["components"]["schemas"]["Unit"]["properties"]
    assert {"valid_until", "successors", "predecessors"} <= set(unit)
    params = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert "current" in params


def test_unit_pages_state_the_lineage(reviewer_api, client):
    client.force_login(UserFactory(username="lineage-page", role="reviewer"))
    page = client.get(reverse("reporting:unit", args=["31"])).content.decode()
    assert "/unit/L30/" in page and "Hải Dương" in page
    legacy = client.get(reverse("reporting:unit", args=["L30"])).content.decode()
    assert "/unit/31/" in legacy and "30/06/2025" in legacy
