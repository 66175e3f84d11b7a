"""The OpenAPI 3 schema and the Swagger docs: served by the app with no asset from the internet, to signed-in users only."""
import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests.factories import PASSWORD

PATHS = [
    "/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/units/", "/api/v1/units/{id}/", "/api/v1/document-types/",
    "/api/v1/document-types/{code}/", "/api/v1/documents/", "/api/v1/documents/{id}/", "/api/v1/conferences/",
    "/api/v1/conferences/{id}/", "/api/v1/digitization-reports/", "/api/v1/digitization-reports/{id}/",
]


def test_schema_is_valid_openapi_3_with_every_path(client_for, officer_hn):
    response = client_for(officer_hn).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document
    assert set(PATHS) <= set(schema["paths"])
    document = schema["components"]["schemas"]["Document"]["properties"]
    assert {"id", "unit", "number", "doc_type", "title", "issued_on", "is_digitized", "sent_electronically"} <= set(document)
    params = {p["name"] for p in schema["paths"]["/api/v1/documents/"]["get"]["parameters"]}
    assert {"page", "page_size", "unit", "unit_code", "year", "doc_type", "q", "issued_after", "issued_before"} <= params


def test_schema_shows_the_trust_fields_provisional_locked_and_dry_run(client_for, officer_hn):
    schema = client_for(officer_hn).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert {"provisional", "window_end"} <= set(components["ComplianceResult"]["properties"])
    assert components["ComplianceResult"]["properties"]["provisional"]["type"] == "boolean"
    assert "provisional" in components["TargetSummary"]["properties"]
    for name in ("Document", "Conference", "DigitizationReport"):
        assert components[name]["properties"]["locked"]["readOnly"] is True, name
    upload = schema["paths"]["/api/v1/imports/"]["post"]["requestBody"]["content"]
    form = next(iter(upload.values()))["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "dry_run" in components[form]["properties"]


@pytest.mark.django_db
def test_schema_and_docs_refuse_anonymous_visitors():
    assert APIClient().get("/api/schema/", {"format": "json"}).status_code == 401
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/login/?next=/api/docs/")


def test_swagger_docs_load_nothing_from_another_host(client, officer_hn):
    assert client.login(username=officer_hn.username, password=PASSWORD)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # CSP script-src 'self': every script is a file, the start-up script included
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    script = re.search(r"""<script src=["'](/api/docs/\?[^"']*script=[^"']*)["']""", html)
    assert script, html
    init = client.get(script.group(1).replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()
    external = [url for url in re.findall(r"https?://[^\s\"'<>)]+", html) if not url.startswith("http://testserver")]
    assert external == []
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
    assert assets, "the docs page should load its scripts from the app's static files"
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_every_operation_documents_the_errors_it_can_answer(client_for, officer_hn):
    """reform/api/schema.py: 401 wherever a token is needed, 403 on writes, 404 on objects and pages, 400 where a
    body or a filter is read, 409 where other rows protect the object; each with its body (SPEC 7)."""
    schema = client_for(officer_hn).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/documents/", "get") == {"200", "400", "401", "404"}  # filters; a page past the last
    assert codes("/api/v1/documents/", "post") == {"201", "400", "401", "403"}
    assert codes("/api/v1/documents/{id}/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/documents/{id}/", "patch") == {"200", "400", "401", "403", "404"}
    assert codes("/api/v1/documents/{id}/", "delete") == {"204", "401", "403", "404"}
    assert codes("/api/v1/document-types/{code}/", "delete") == {"204", "401", "403", "404", "409"}  # PROTECT
    assert codes("/api/v1/reports/", "get") == {"200", "401", "404"}  # no filter: no 400
    assert codes("/api/v1/auth/token/", "post") == {"200", "400", "429"}  # no token needed: no 401
    assert codes("/api/v1/auth/logout/", "post") == {"204", "401"}  # token only (no CSRF), no body
    assert codes("/api/v1/compliance/compute/", "post") == {"202", "400", "401", "403", "503"}
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["FieldErrors"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    for path, operations in paths.items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code >= "400":
                    assert response.get("content") and response.get("description"), (method, path, code)
    # A CSV view's errors are documented in both media types (errors.csv itself answers its errors in JSON).
    errors_csv = paths["/api/v1/imports/{id}/errors.csv"]["get"]["responses"]["404"]["content"]
    assert set(errors_csv) == {"text/csv", "application/json"}
    download = paths["/api/v1/reports/{id}/download/"]["get"]["responses"]["200"]["content"]
    assert set(download) == {"text/csv", "application/pdf",
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
