"""A task's state and result are visible only to whoever may see its subject; anything else is a 404. The
endpoint once answered any logged-in user with any task: an officer of 79 read a task started for 01."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from imports import services as import_services
from reports import services as report_services
from reports.periods import ReportingPeriod
from tests.factories import UserFactory
from tests.imports.conftest import csv_bytes, doc_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_export_task_is_visible_in_its_units_subtree_and_a_404_elsewhere(
    tree, officer_hn, officer_hcm, officer_commune, reviewer, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        export = report_services.export_request(
            user=officer_hn, unit=tree["01"], period=ReportingPeriod(year=datetime.date.today().year - 1, code="Q1"),
            format="csv")
    url = f"/api/v1/tasks/{export.task_id}/"
    assert api(officer_hn).get(url).status_code == 200
    assert api(reviewer).get(url).status_code == 200
    assert api(officer_hcm).get(url).status_code == 404
    assert api(officer_commune).get(url).status_code == 404  # the export is of the province, above the commune


def test_an_upload_task_is_its_uploaders_only(tree, officer_hn, reviewer):
    batch = import_services.import_create(user=officer_hn, kind="documents",
                                          upload=SimpleUploadedFile("a.csv", csv_bytes(doc_rows(2))))
    other = UserFactory(username="officer-hn-2", role="entry", unit=tree["01"])
    url = f"/api/v1/tasks/{batch.task_id}/"
    assert api(officer_hn).get(url).status_code == 200
    assert api(reviewer).get(url).status_code == 200
    assert api(other).get(url).status_code == 404


def test_an_officer_gets_404_for_a_recompute_task_or_an_unknown_id(tree, officer_hn, reviewer):
    started = api(reviewer).post("/api/v1/compliance/compute/", {"year": 2025}, format="json").json()["task_id"]
    assert api(officer_hn).get(f"/api/v1/tasks/{started}/").status_code == 404
    assert api(officer_hn).get("/api/v1/tasks/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api(reviewer).get(f"/api/v1/tasks/{started}/").json()["state"] == "SUCCESS"
