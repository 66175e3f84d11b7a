"""The API root, `/api/v1/`, lists the viewsets every app registers on its own router (reform.api.routers)."""
from django.urls import reverse


def test_the_api_root_links_every_apps_list_endpoint(client_for, officer_hn):
    response = client_for(officer_hn).get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "units": "http://testserver/api/v1/units/",
        "document-types": "http://testserver/api/v1/document-types/",
        "documents": "http://testserver/api/v1/documents/",
        "digitization-reports": "http://testserver/api/v1/digitization-reports/",
        "conferences": "http://testserver/api/v1/conferences/",
        "signals": "http://testserver/api/v1/signals/",
    }


def test_each_apps_routes_keep_their_paths_names_and_format_suffixes():
    assert reverse("api-root") == "/api/v1/"
    assert reverse("document-detail", args=[7]) == "/api/v1/documents/7/"
    assert reverse("conference-list", kwargs={"format": "json"}) == "/api/v1/conferences.json"
    assert reverse("digitization-report-detail", args=[3]) == "/api/v1/digitization-reports/3/"
    assert reverse("document-type-detail", args=["QĐ"]) == "/api/v1/document-types/Q%C4%90/"
    assert reverse("signal-review", args=[5]) == "/api/v1/signals/5/review/"
    assert reverse("unit-list") == "/api/v1/units/"
