"""Bodies the JSON decoder cannot take answer 400 on every endpoint, never 500."""
import pytest
from rest_framework.test import APIClient

DEEP = "[" * 100_000


@pytest.mark.django_db
def test_deeply_nested_json_to_the_token_endpoint_is_a_400_for_anyone(tree):
    response = APIClient().post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "lồng nhau quá sâu" in response.json()["detail"]  # Vietnamese by default


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/documents/", "/api/v1/conferences/", "/api/v1/compliance/compute/",
                                 "/api/v1/digitization-reports/"])
def test_deeply_nested_json_to_a_write_endpoint_is_a_400(url, administrator):
    client = APIClient()
    client.force_authenticate(administrator)
    response = client.post(url, DEEP, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
