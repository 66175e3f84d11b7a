"""A real Celery worker, through Redis, generates a requested export; the API follows it to the download."""
from __future__ import annotations

import io
import time

import openpyxl
import pytest
from django_celery_results.models import TaskResult
from rest_framework.test import APIClient

from tests.factories import UnitFactory, UserFactory
from tests.reporting.conftest import (  # noqa: F401 - fixtures shared with the engine's worker test
    celery_worker_process,
    clean_queue,
    not_eager,
    redis_client,
    reseed_after_flush,
)

from .conftest import YEAR

pytestmark = [pytest.mark.worker]


@pytest.fixture
def worker_media(tmp_path, monkeypatch, settings):
    """The worker subprocess and this process share a temporary MEDIA_ROOT (set before the worker starts)."""
    root = str(tmp_path / "worker-media")
    monkeypatch.setenv("MEDIA_ROOT", root)
    settings.MEDIA_ROOT = root
    return root


def test_real_worker_generates_the_export_and_the_api_serves_it(worker_media, celery_worker_process):
    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    province = UnitFactory(code="01", name="Thành phố Hà Nội", level="provincial", parent=root)
    reviewer = UserFactory(username="worker-reviewer", role="reviewer", unit=None)
    client = APIClient()
    client.force_authenticate(reviewer)
    response = client.post("/api/v1/reports/", {"unit": "01", "period": f"{YEAR}-H1", "format": "xlsx"}, format="json")
    assert response.status_code == 202, response.content
    export_id, task_id = response.json()["id"], response.json()["task_id"]
    deadline, seen = time.monotonic() + 60, []
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/reports/{export_id}/").json()
        seen.append(body["status"])
        if body["status"] in ("ready", "failed"):
            break
        time.sleep(0.2)
    assert body["status"] == "ready", (seen[-5:], body)
    assert body["progress"] == 1.0 and body["download_url"]
    # It really ran in the worker process (which records PROGRESS, then SUCCESS just after the export is ready).
    for _ in range(50):
        result = TaskResult.objects.get(task_id=task_id)
        if result.status == "SUCCESS":
            break
        assert result.status == "PROGRESS"
        time.sleep(0.1)
    assert result.worker.startswith("pytest-") and result.status == "SUCCESS"
    assert '"status": "ready"' in result.result
    client.force_login(reviewer)
    download = client.get(body["download_url"])
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert province.name in book.worksheets[0]["A1"].value
