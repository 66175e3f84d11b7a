"""The integrity signals after a record change: the coalesced recompute stores the results and leaves the signals to
a task of their own (`signals_pending`, durable `SignalRequest` marks, its own lock), so that the next save's
results never wait behind them (benchmarks/freshness.py). Tested through the task bodies with the broker real (the
queued messages are read back from Redis), the in-process mode of the demo, faults, the lock held by another
session, and a real worker."""
from __future__ import annotations

import base64
import datetime
import json
import time

import psycopg2
import pytest
from django.db import connection
from rest_framework.test import APIClient

from documents.models import Document
from reporting import recompute, tasks
from reporting.choices import SignalKind
from reporting.models import ComplianceResult, RecomputeRequest, Signal, SignalRequest
from reporting.selectors import Subtrees
from reporting.tasks import compliance_nightly
from tests.factories import UnitFactory, UserFactory

from .helpers import seeded  # noqa: F401 - fixture

YEAR = 2025


def _queued_tasks(redis_client) -> list[str]:
    """The tasks waiting in both queues: the coalesced recompute's own ("compliance"), then the default one."""
    return [json.loads(raw)["headers"]["task"] for queue in ("compliance", "celery")
            for raw in redis_client.lrange(queue, 0, -1)]


def _gappy_register(unit, year: int = YEAR) -> None:
    """40 of the numbers 1..79 of one series: a number_gaps signal (critical) once the signals are found."""
    Document.objects.bulk_create([
        Document(unit=unit, number=f"{n}/QĐ-UBND", number_key=f"{n}/qđ-ubnd", doc_type_id="QĐ", title="Văn bản",
                 issued_on=datetime.date(year, 3, 10), year=year)
        for n in range(1, 80) if n % 2 == 1 or n > 78
    ])


def _gaps(unit) -> list[Signal]:
    return list(Signal.objects.filter(unit=unit, year=YEAR, kind=SignalKind.NUMBER_GAPS))


@pytest.mark.usefixtures("seeded")
def test_a_record_change_stores_the_results_first_and_leaves_the_signals_to_their_own_task(
    tree, not_eager, clean_queue, settings,
):
    settings.REPORTING_WINDOWS = "calendar"
    unit = tree["00070"]
    _gappy_register(unit)
    recompute.recompute_mark(unit_ids=[unit.pk], years=[YEAR])

    scopes = [{"year": YEAR, "unit": "00070"}, {"year": YEAR + 1, "unit": "00070"}]  # 2025 is 2026's baseline

    summary = recompute.recompute_pending_run()
    assert summary["scopes"] == scopes and summary["signals"] == "queued"  # queued with its countdown
    assert ComplianceResult.objects.filter(unit=unit, year=YEAR, period="Y").exists()
    assert not RecomputeRequest.objects.exists()
    assert _gaps(unit) == []  # not found by the results' run...
    assert sorted(SignalRequest.objects.values_list("unit__code", "year")) == [("00070", YEAR), ("00070", YEAR + 1)]
    assert _queued_tasks(clean_queue) == ["reporting.tasks.signals_pending"]  # ...but marked, and queued once

    summary = recompute.signals_pending_run()
    assert summary["scopes"] == scopes and summary["failed"] == []
    [signal] = _gaps(unit)
    assert signal.evidence["missing"] == 39
    assert not SignalRequest.objects.exists()
    assert "requeued" not in summary


@pytest.mark.usefixtures("seeded")
def test_many_signal_marks_merge_like_the_results_and_a_national_one_covers_the_rest(tree, not_eager, clean_queue):
    for code in ("00070", "00004", "26734"):
        recompute.signals_mark(scope=tree[code], year=YEAR)
    recompute.signals_mark(scope=None, year=YEAR)  # the country: marked on the root unit
    recompute.signals_mark(scope=Subtrees.of([tree["00070"], tree["26740"]]), year=YEAR)  # a pass: each root
    assert SignalRequest.objects.filter(unit=tree["TW"]).count() == 1
    summary = recompute.signals_pending_run()
    assert summary["scopes"] == [{"year": YEAR, "unit": None}]  # one national run answers all four marks
    assert summary["marks"] == 5 and not SignalRequest.objects.exists()


@pytest.mark.usefixtures("seeded")
def test_a_second_burst_of_scopes_queues_the_signals_once(tree, not_eager, clean_queue):
    recompute.signals_mark(scope=tree["00070"], year=YEAR)
    assert tasks.signals_queue() == "queued"
    assert tasks.signals_queue() == "already-queued"
    assert _queued_tasks(clean_queue) == ["reporting.tasks.signals_pending"]
    tasks.clear_signals_flag()  # a run started: later changes queue a new one
    assert tasks.signals_queue() == "queued"


def _queued_kwargs(redis_client) -> list[dict]:
    return [json.loads(base64.b64decode(json.loads(raw)["body"]))[1] for raw in redis_client.lrange("celery", 0, -1)]


@pytest.mark.usefixtures("seeded")
def test_the_signals_make_way_while_results_wait_and_run_after_a_bounded_number_of_deferrals(
    tree, not_eager, clean_queue, settings,
):
    """Results first: a signals run that finds results marks waiting queues itself again (its countdown) instead
    of competing with them for the server; after COMPLIANCE_SIGNALS_MAX_DEFERRALS it runs whatever waits."""
    settings.COMPLIANCE_SIGNALS_MAX_DEFERRALS = 2
    unit = tree["00070"]
    _gappy_register(unit)
    recompute.signals_mark(scope=unit, year=YEAR)
    recompute.recompute_mark(unit_ids=[tree["26734"].pk], years=[YEAR])  # a save elsewhere, its results waiting
    clean_queue.delete("celery", "compliance")

    summary = recompute.signals_pending_run()
    assert summary == {"deferred": "queued", "deferrals": 1}
    assert _queued_tasks(clean_queue) == ["reporting.tasks.signals_pending"]
    assert _queued_kwargs(clean_queue) == [{"deferrals": 1}]
    assert _gaps(unit) == [] and SignalRequest.objects.filter(unit=unit).exists()

    clean_queue.delete("celery", "compliance")
    tasks.clear_signals_flag()
    assert recompute.signals_pending_run(deferrals=1) == {"deferred": "queued", "deferrals": 2}
    assert _queued_kwargs(clean_queue) == [{"deferrals": 2}]
    summary = recompute.signals_pending_run(deferrals=2)  # the bound: it runs, results waiting or not
    assert summary["scopes"] == [{"year": YEAR, "unit": "00070"}] and len(_gaps(unit)) == 1
    assert not SignalRequest.objects.exists() and RecomputeRequest.objects.exists()


@pytest.mark.usefixtures("seeded")
def test_the_signals_do_not_wait_for_results_marks_that_are_failing(tree, not_eager, clean_queue):
    """A results mark that has failed (retried up to COMPLIANCE_MARK_MAX_ATTEMPTS) is not a burst of saves."""
    unit = tree["00070"]
    _gappy_register(unit)
    recompute.signals_mark(scope=unit, year=YEAR)
    recompute.recompute_mark(unit_ids=[tree["26734"].pk], years=[YEAR])
    RecomputeRequest.objects.update(attempts=1)
    summary = recompute.signals_pending_run()
    assert "deferred" not in summary and len(_gaps(unit)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseed_after_flush")
def test_while_another_session_holds_the_signals_lock_a_run_is_turned_away_and_the_marks_stay(tree, not_eager,
                                                                                              clean_queue):
    recompute.signals_mark(scope=tree["00070"], year=YEAR)
    settings_dict = connection.settings_dict
    other = psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"],
                             host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [recompute.SIGNALS_LOCK_KEY])
            assert cursor.fetchone()[0]
        summary = recompute.signals_pending_run()
        assert summary["skipped"] is True and summary["scopes"] == []
        assert SignalRequest.objects.count() == 1
        # The results' run has a lock of its own: it is not held up by the signals'.
        recompute.recompute_mark(unit_ids=[tree["00004"].pk], years=[YEAR])
        assert {"year": YEAR, "unit": "00004"} in recompute.recompute_pending_run()["scopes"]
    finally:
        other.close()  # the session lock goes with its session
    summary = recompute.signals_pending_run()
    assert summary["skipped"] is False and not SignalRequest.objects.exists()


@pytest.mark.usefixtures("seeded")
def test_a_signals_scope_that_fails_keeps_its_marks_for_a_bounded_number_of_retries_and_the_others_go_on(
    tree, not_eager, clean_queue, monkeypatch, settings,
):
    settings.COMPLIANCE_MARK_MAX_ATTEMPTS = 2
    _gappy_register(tree["26734"])
    from reporting import signals

    real = signals.signals_compute

    def failing_in_01(*, year, unit=None, **kwargs):
        if unit is not None and unit.code == "00070":
            raise RuntimeError("planted fault")
        return real(year=year, unit=unit, **kwargs)

    monkeypatch.setattr(signals, "signals_compute", failing_in_01)
    recompute.signals_mark(scope=tree["00070"], year=YEAR)
    recompute.signals_mark(scope=tree["26734"], year=YEAR)

    summary = recompute.signals_pending_run()
    assert summary["scopes"] == [{"year": YEAR, "unit": "26734"}]
    assert [(f["unit"], f["marks"], f["dropped"]) for f in summary["failed"]] == [("00070", 1, 0)]
    assert "planted fault" in summary["failed"][0]["error"]
    assert len(_gaps(tree["26734"])) == 1  # the other scope went on
    mark = SignalRequest.objects.get()
    assert (mark.unit_id, mark.attempts) == (tree["00070"].pk, 1) and "planted fault" in mark.last_error
    assert "requeued" not in summary  # a failed mark waits for the sweep's run: a fault never loops the worker

    summary = recompute.signals_pending_run()
    assert summary["failed"][0]["dropped"] == 1 and not SignalRequest.objects.exists()


@pytest.mark.usefixtures("seeded")
def test_in_process_mode_a_save_through_the_api_finds_the_signals_before_the_answer(
    tree, settings, django_capture_on_commit_callbacks,
):
    """The embedded demo (tasks in-process): the signals are found at the end of the request, after the results."""
    settings.REPORTING_WINDOWS = "calendar"
    unit = tree["00070"]
    _gappy_register(unit)
    client = APIClient()
    client.force_authenticate(UserFactory(username="officer-00070", role="entry", unit=unit))
    with django_capture_on_commit_callbacks(execute=True):  # the save's commit announces the change
        response = client.post("/api/v1/documents/", {
            "unit_code": "00070", "number": "81/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định 81",
            "issued_on": "2025-03-11", "is_digitized": True, "sent_electronically": True,
        }, format="json")
    assert response.status_code == 201, response.content
    assert ComplianceResult.objects.get(unit=unit, year=YEAR, period="Y", target_id="DOC_REDUCTION").numerator == 41
    [signal] = _gaps(unit)
    assert signal.evidence["highest"] == 81
    assert not RecomputeRequest.objects.exists() and not SignalRequest.objects.exists()


@pytest.mark.usefixtures("seeded")
def test_the_nightly_recompute_finds_the_signals_itself_and_answers_older_signal_marks(tree, settings):
    today = datetime.date.today()
    unit = tree["00070"]
    _gappy_register(unit, year=today.year)
    SignalRequest.objects.create(unit=unit, year=today.year, requested_at=datetime.datetime(2020, 1, 1,
                                                                                             tzinfo=datetime.UTC))
    compliance_nightly.apply(kwargs={"year": today.year}).get()
    assert Signal.objects.filter(unit=unit, year=today.year, kind=SignalKind.NUMBER_GAPS).exists()
    assert not SignalRequest.objects.exists()


@pytest.mark.worker
def test_through_a_real_worker_a_save_reaches_the_results_and_then_the_signals(celery_worker_process, settings):
    settings.REPORTING_WINDOWS = "calendar"
    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    province = UnitFactory(code="01", name="Hà Nội", level="provincial", parent=root)
    unit = UnitFactory(code="00070", name="Hoàn Kiếm", level="commune", parent=province)
    _gappy_register(unit)
    client = APIClient()
    client.force_authenticate(UserFactory(username="worker-officer", role="entry", unit=unit))
    response = client.post("/api/v1/documents/", {
        "unit_code": "00070", "number": "81/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định 81",
        "issued_on": "2025-03-11", "is_digitized": True, "sent_electronically": True,
    }, format="json")
    assert response.status_code == 201, response.content
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (_gaps(unit) and not SignalRequest.objects.exists()
                                               and not RecomputeRequest.objects.exists()):
        time.sleep(0.2)
    result = ComplianceResult.objects.get(unit=unit, year=YEAR, period="Y", target_id="DOC_REDUCTION")
    assert result.numerator == 41
    [signal] = _gaps(unit)
    assert signal.evidence["highest"] == 81 and signal.computed_at >= result.computed_at
    assert not SignalRequest.objects.exists() and not RecomputeRequest.objects.exists()
