"""Token authentication (SPEC 7) and session authentication for the browsable API."""
import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, DocumentFactory


def test_token_endpoint_returns_a_token_that_authenticates(officer_hn):
    DocumentFactory(unit=officer_hn.unit)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "officer-hn", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listing = client.get("/api/v1/documents/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1


def test_token_endpoint_refuses_a_wrong_password_with_400(officer_hn):
    response = APIClient().post("/api/v1/auth/token/", {"username": "officer-hn", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert "token" not in response.json()


def test_token_endpoint_reports_missing_fields_by_name(officer_hn):
    response = APIClient().post("/api/v1/auth/token/", {"username": "officer-hn"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"password"}


@pytest.mark.parametrize("url", ["/api/v1/documents/", "/api/v1/units/", "/api/v1/document-types/"])
def test_anonymous_requests_are_refused(tree, url):
    assert APIClient().get(url).status_code == 401


def test_a_wrong_token_is_refused(tree):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/v1/documents/").status_code == 401


def test_session_login_opens_the_browsable_api(client, officer_hn):
    DocumentFactory(unit=officer_hn.unit, title="Quyết định về tinh gọn")
    assert client.login(username="officer-hn", password=PASSWORD)
    response = client.get("/api/v1/documents/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Quyết định về tinh gọn" in response.content.decode()


@pytest.mark.parametrize("url", [
    "/api/v1/", "/api/v1/units/", "/api/v1/document-types/", "/api/v1/conferences/", "/api/v1/digitization-reports/",
])
def test_browsable_api_pages_render_for_a_logged_in_officer(client, officer_hn, url):
    assert client.login(username="officer-hn", password=PASSWORD)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
