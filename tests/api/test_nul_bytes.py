"""A NUL byte in a unit code or a task id (PostgreSQL cannot even compare one) is a 400 or a 404, never a 500."""
from django.test import Client

from tests.factories import PASSWORD


def test_compute_and_export_requests_refuse_a_unit_code_with_a_nul_byte_on_unit(client_for, reviewer, tree):
    from reports.models import ReportExport

    api = client_for(reviewer)
    response = api.post("/api/v1/compliance/compute/", {"year": 2025, "unit": "0\x001"}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    response = api.post("/api/v1/reports/", {"unit": "0\x001", "period": "2025-Q1", "format": "csv"}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert not ReportExport.objects.exists()


def test_a_task_id_with_a_nul_byte_is_not_found(client_for, reviewer):
    assert client_for(reviewer).get("/api/v1/tasks/a%00b/").status_code == 404


def test_dashboard_pages_of_a_code_with_a_nul_byte_are_not_found(reviewer, officer_hn, tree):
    for user in (reviewer, officer_hn):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get("/dashboard/province/0%001/").status_code == 404
        assert client.get("/dashboard/unit/0%001/").status_code == 404
        assert client.get("/dashboard/unit/01/").status_code == 200  # an ordinary code still opens
