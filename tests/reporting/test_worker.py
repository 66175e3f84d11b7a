"""A real Celery worker, through Redis, computes a year; the API reports the task and returns the results."""
from __future__ import annotations

import datetime
import time

import pytest
from django_celery_results.models import TaskResult
from rest_framework.test import APIClient

from tests.factories import ConferenceFactory, DocumentFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.worker]


def _poll(client: APIClient, task_id: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/tasks/{task_id}/").json()
        seen.append(body["state"])
        if body["state"] in ("SUCCESS", "FAILURE"):
            body["seen_states"] = seen
            return body
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not finish in {timeout} s; states seen: {seen[-5:]}")


def _records(commune) -> None:
    """20 documents in 2024, 15 in 2025 (a 25 % reduction) and one in-person conference in 2025."""
    for i in range(20):
        DocumentFactory(unit=commune, number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(2024, 5, 1))
    for i in range(15):
        DocumentFactory(unit=commune, number=f"{i + 1}/QĐ-UBND", issued_on=datetime.date(2025, 5, 1))
    ConferenceFactory(unit=commune, held_on=datetime.date(2025, 2, 3), format="in_person")


def _reviewer_client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username=username, role="reviewer", unit=None))
    return client


def test_real_worker_computes_a_year_and_the_api_returns_the_results(celery_worker_process):
    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    province = UnitFactory(code="01", name="Hà Nội", level="provincial", parent=root)
    commune = UnitFactory(code="00070", name="Hoàn Kiếm", level="commune", parent=province)
    _records(commune)
    client = _reviewer_client("worker-reviewer")

    response = client.post("/api/v1/compliance/compute/", {"year": 2025}, format="json")
    assert response.status_code == 202, response.content
    task_id = response.json()["task_id"]

    body = _poll(client, task_id)
    assert body["state"] == "SUCCESS", body
    assert body["result"]["year"] == 2025
    assert body["result"]["units"] == 3
    assert body["progress"] == {"done": 3, "total": 3}
    # It really ran in the worker process, not in-process.
    assert TaskResult.objects.get(task_id=task_id).worker.startswith("pytest-")

    rows = client.get("/api/v1/compliance/", {"year": 2025, "period": "Y", "unit_code": "00070",
                                              "target": "DOC_REDUCTION"}).json()
    assert rows["count"] == 1
    row = rows["results"][0]
    # 20 documents in 2024, 15 in 2025: a 25 % reduction, met.
    assert row["status"] == "met"
    assert row["value"] == "0.2500"
    assert (row["numerator"], row["baseline"]) == (15, 20)
    all_rows = client.get("/api/v1/compliance/", {"year": 2025, "period": "Y", "page_size": 500}).json()
    assert {r["unit_code"] for r in all_rows["results"]} == {"TW", "01", "00070"}


@pytest.fixture
def progress_at_every_step(monkeypatch):
    """The worker stores its progress at every step (the interval forced to zero), so a report always falls
    while the results stream into PostgreSQL. Set before the worker starts: it reads its environment."""
    monkeypatch.setenv("COMPLIANCE_PROGRESS_EVERY_SECONDS", "0")


def test_a_national_recompute_through_the_real_worker_succeeds_with_progress_at_every_step(
    progress_at_every_step, celery_worker_process,
):
    """The path every national recompute takes (API -> Redis -> worker -> PostgreSQL) over all 3,356 units.

    It used to end in FAILURE ("no COPY in progress"): the progress callback wrote the task state on the
    connection that was streaming the results' COPY, which the 0.5 s throttle hid from small tests."""
    from django.core.management import call_command

    from reform.models import Unit
    from reporting.models import ComplianceResult

    call_command("load_units")
    assert Unit.objects.current().count() == 3356
    commune = Unit.objects.get(code="00070")
    _records(commune)
    client = _reviewer_client("national-reviewer")

    response = client.post("/api/v1/compliance/compute/", {"year": 2025}, format="json")
    assert response.status_code == 202, response.content
    task_id = response.json()["task_id"]
    deadline = time.monotonic() + 240
    seen = []
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/tasks/{task_id}/").json()
        seen.append((body["state"], body["progress"]))
        if body["state"] in ("SUCCESS", "FAILURE"):
            break
        time.sleep(0.05)
    assert body["state"] == "SUCCESS", body
    assert body["result"]["units"] == 3356
    assert body["result"]["results"] == 3356 * 12 * 5
    assert ComplianceResult.objects.filter(year=2025).count() == 3356 * 12 * 5
    assert body["progress"] == {"done": 3356, "total": 3356}
    # Progress was visible while the compute ran (written on a connection of its own, not hidden in the
    # compute's transaction), and part-way through.
    partial = [progress["done"] for state, progress in seen if state == "PROGRESS" and progress]
    assert any(0 < done < 3356 for done in partial), seen[-20:]
    r = ComplianceResult.objects.get(unit=commune, year=2025, period="Y", target_id="DOC_REDUCTION")
    assert (r.status, r.numerator, r.baseline) == ("met", 15, 20)


def test_a_saves_recompute_is_not_held_behind_a_backlog_of_other_work(celery_worker_process, clean_queue):
    """The coalesced recompute has its own queue ("compliance"), which a worker started without -Q consumes beside
    the default one, taking from them in turn: a save reaches its results while a backlog of other work (the
    periodic export job once queued 611 exports) still waits. With one queue it waited behind all of it (the
    saves of a benchmark burst reached the dashboard after 3 minutes)."""
    from reform.celery import app
    from reporting.models import ComplianceResult

    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    province = UnitFactory(code="01", name="Hà Nội", level="provincial", parent=root)
    UnitFactory(code="00070", name="Hoàn Kiếm", level="commune", parent=province)
    officer = UserFactory(username="backlog-officer", role="entry", unit=province)
    # The backlog: 600 small tasks of the default queue, a few milliseconds each for the solo worker.
    backlog = 600
    with app.producer_or_acquire() as producer:
        for _ in range(backlog):
            app.send_task("celery.backend_cleanup", producer=producer)
    assert clean_queue.llen("celery") >= backlog - 50  # the worker has only begun on it
    client = APIClient()
    client.force_authenticate(officer)
    response = client.post("/api/v1/documents/", {
        "unit_code": "00070", "number": "1/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định 1",
        "issued_on": f"{datetime.date.today().year}-01-05", "is_digitized": True, "sent_electronically": True,
    }, format="json")
    assert response.status_code == 201, response.content
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ComplianceResult.objects.filter(
            unit__code="00070", year=datetime.date.today().year, period="Y", target_id="DOC_DIGITIZATION",
            denominator=1).exists():
        time.sleep(0.05)
    left = clean_queue.llen("celery")
    assert ComplianceResult.objects.filter(unit__code="00070", period="Y", target_id="DOC_DIGITIZATION",
                                           denominator=1).exists(), "the save's recompute never ran"
    assert left >= backlog // 4, f"the recompute ran only when {backlog - left} of the {backlog} tasks had"
