"""Benchmark of freshness: how long after a save its unit's stored result and its province's roll-up show it.

On the national dataset (`demo_data --scale national`), with a real Celery worker and beat (started here, as in
docker-compose: `worker --concurrency 2` and `beat` with the database scheduler), 200 documents are saved
through the API (POST /api/v1/documents/, the service layer, the coalesced recompute of reporting/recompute.py:
the marked communes' subtrees in one pass, the integrity signals after them in a task of their own),
spread over 20 provinces (10 communes each) at 10 saves a second. A poller reads the stored results every
50 ms: save i is reflected when its commune's DOC_REDUCTION numerator (the year's countable documents) and its
province's roll-up numerator both count it (each save adds one to both). Afterwards the compute runs of the
benchmark are checked for two runs of the same year and overlapping subtrees at once, and the 200 documents
are deleted through the API again (their recompute awaited), so the dataset is left as found.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_bench BENCH_REDIS_URL=redis://127.0.0.1:6379/4 \
       .venv/bin/python benchmarks/freshness.py [--saves 200] [--rate 10] [--provinces 20] [--timeout 120]
Prints the countdown in use and the overlaps, then as its last line `p50_s=<n> p95_s=<n> max_s=<n> lost=<n>`
(lost: saves not reflected within --timeout seconds after the last save). Goals: p95 <= 5 s, lost=0, overlaps=0.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reform_bench")
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings.local")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DEBUG", "false")  # no query log kept per request

TARGET = "DOC_REDUCTION"  # its numerator is the year's countable documents: every save adds one
USERNAME = "bench-freshness"


def start(args: list[str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "reform", *args], cwd=ROOT, env=os.environ.copy(),
                            stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the process group we started (the worker and its children)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_worker(timeout: float = 60) -> None:
    from reform.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
    raise SystemExit("the worker did not answer within a minute")


def numerators(*, year: int, unit_ids: list[int], province_ids: list[int]) -> tuple[dict, dict]:
    from reporting.models import ComplianceResult, ComplianceRollup

    units = dict(ComplianceResult.objects.filter(year=year, period="Y", target_id=TARGET, unit_id__in=unit_ids)
                 .values_list("unit_id", "numerator"))
    provinces = dict(ComplianceRollup.objects.filter(year=year, period="Y", target_id=TARGET,
                                                     unit_id__in=province_ids).values_list("unit_id", "numerator"))
    return units, provinces


def wait_for_no_marks(timeout: float) -> bool:
    """Until no results or signals wait for a recompute and no compute run is running."""
    from reporting.models import ComputeRun, RecomputeRequest, SignalRequest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (not RecomputeRequest.objects.exists() and not SignalRequest.objects.exists()
                and not ComputeRun.objects.filter(state="running").exists()):
            return True
        time.sleep(0.2)
    return False


def overlapping_runs(since) -> list[tuple]:
    """Pairs of compute runs of the same year, at the same time, whose scopes overlap (a subtree, several subtrees in
    one pass, or the country)."""
    from reporting.models import ComputeRun

    runs = list(ComputeRun.objects.filter(started_at__gte=since).select_related("unit"))

    def overlap(a: list[str] | None, b: list[str] | None) -> bool:
        if a is None or b is None:
            return True
        return any(x.startswith(y) or y.startswith(x) for x in a for y in b)

    pairs = []
    for i, run in enumerate(runs):
        for other in runs[i + 1:]:
            if run.year != other.year or run.finished_at is None or other.finished_at is None:
                continue
            at_once = run.started_at < other.finished_at and other.started_at < run.finished_at
            if at_once and overlap(run.scope_paths, other.scope_paths):
                pairs.append((run.pk, other.pk))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--provinces", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from documents.models import Document
    from reform.models import Unit, User
    from reporting.choices import RunTrigger
    from reporting import tasks
    from reporting.models import ComplianceResult
    from reporting.runs import compute_recorded

    call_command("migrate", verbosity=0)
    if not Document.objects.exists():
        raise SystemExit("No documents: load the national dataset first (manage.py demo_data --scale national).")
    today = timezone.localdate()
    year = today.year
    # Each run keeps its own worker and beat logs (a run that lost saves is read afterwards).
    logs = Path(os.environ.get("BENCH_LOG_DIR", "/tmp")) / "freshness" / time.strftime("%Y%m%d-%H%M%S")
    logs.mkdir(parents=True, exist_ok=True)
    print(f"worker and beat logs: {logs}")
    worker = start(["worker", "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
                   logs / "worker.log")
    beat = start(["beat", "--loglevel", "INFO", "--schedule", str(logs / "beat-schedule")], logs / "beat.log")
    try:
        wait_for_worker()
        # A clean start: nothing pending, and the year's stored figures current (the baseline of every save).
        if not wait_for_no_marks(300):
            raise SystemExit("marks still pending after 5 minutes")
        from pgstate import vacuum_if_autovacuum_is_off

        if vacuum_if_autovacuum_is_off(connection):
            print("autovacuum is off on this server: the engine's tables vacuumed and analysed first")
        if not ComplianceResult.objects.filter(year=year, period="Y").exists():
            compute_recorded(year=year, unit=None, trigger=RunTrigger.COMMAND)

        provinces = list(Unit.objects.filter(level="provincial", kind="locality", valid_until__isnull=True)
                         .order_by("code")[:args.provinces])
        per_province = -(-args.saves // len(provinces))
        communes = {p.pk: list(Unit.objects.in_subtree(p).filter(level="commune", valid_until__isnull=True)
                               .order_by("code").values_list("pk", "code")[:min(10, per_province)])
                    for p in provinces}
        saves = []  # (unit_id, unit_code, province_id)
        for i in range(args.saves):
            province = provinces[i % len(provinces)]
            unit_id, code = communes[province.pk][(i // len(provinces)) % len(communes[province.pk])]
            saves.append((unit_id, code, province.pk))
        unit_ids = sorted({s[0] for s in saves})
        province_ids = sorted({s[2] for s in saves})
        base_units, base_provinces = numerators(year=year, unit_ids=unit_ids, province_ids=province_ids)
        expected = []  # what save i's unit and province numerators reach once it is reflected
        seen_units: dict[int, int] = {}
        seen_provinces: dict[int, int] = {}
        for unit_id, _code, province_id in saves:
            seen_units[unit_id] = seen_units.get(unit_id, 0) + 1
            seen_provinces[province_id] = seen_provinces.get(province_id, 0) + 1
            expected.append(((base_units.get(unit_id) or 0) + seen_units[unit_id],
                             (base_provinces.get(province_id) or 0) + seen_provinces[province_id]))

        user, _created = User.objects.get_or_create(username=USERNAME, defaults={"role": "admin"})
        client = Client()
        client.force_login(user)
        saved_at: list[float | None] = [None] * len(saves)
        reflected_at: list[float | None] = [None] * len(saves)
        created_ids: list[int] = []
        done = threading.Event()

        def poll() -> None:
            from django.db import connection as poll_connection

            try:
                while True:
                    pending = [i for i, at in enumerate(saved_at) if at is not None and reflected_at[i] is None]
                    if pending:
                        units, provs = numerators(year=year, unit_ids=sorted({saves[i][0] for i in pending}),
                                                  province_ids=sorted({saves[i][2] for i in pending}))
                        now = time.monotonic()
                        for i in pending:
                            unit_n, province_n = units.get(saves[i][0]) or 0, provs.get(saves[i][2]) or 0
                            if unit_n >= expected[i][0] and province_n >= expected[i][1]:
                                reflected_at[i] = now
                    elif done.is_set():
                        return
                    time.sleep(0.05)
            finally:
                poll_connection.close()

        poller = threading.Thread(target=poll, daemon=True)
        bench_started = timezone.now()
        poller.start()
        run = int(time.time()) % 100000
        began = time.monotonic()
        request_s = []
        for i, (unit_id, code, _province) in enumerate(saves):
            delay = began + i / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent = time.monotonic()
            response = client.post("/api/v1/documents/", {
                "unit_code": code, "number": f"{run}{i:04d}/UBND-VP", "doc_type": "CV",
                "title": f"Công văn kiểm tra độ trễ số {i + 1}", "issued_on": today.isoformat(),
                "is_digitized": True, "sent_electronically": True,
            }, content_type="application/json")
            if response.status_code != 201:
                raise SystemExit(f"save {i} answered {response.status_code}: {response.content[:500]!r}")
            saved_at[i] = time.monotonic()
            request_s.append(saved_at[i] - sent)
            created_ids.append(response.json()["id"])
        print(f"{len(saves)} saves in {time.monotonic() - began:.1f} s over {len(province_ids)} provinces "
              f"({len(unit_ids)} communes); save request median {statistics.median(request_s) * 1000:.0f} ms, "
              f"max {max(request_s) * 1000:.0f} ms")
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and any(at is None for at in reflected_at):
            time.sleep(0.2)
        done.set()
        poller.join(timeout=10)
        delays = sorted(reflected_at[i] - saved_at[i] for i in range(len(saves)) if reflected_at[i] is not None)
        lost = sum(1 for at in reflected_at if at is None)
        # Where the slow ones were: the longest wait of the saves made in each 2-second stretch.
        stretches: dict[int, float] = {}
        for i in range(len(saves)):
            if reflected_at[i] is not None:
                stretch = int((saved_at[i] - began) // 2)
                stretches[stretch] = max(stretches.get(stretch, 0.0), reflected_at[i] - saved_at[i])
        print("longest wait of the saves of each 2 s: "
              + " ".join(f"{2 * k}s:{v:.1f}" for k, v in sorted(stretches.items())))
        wait_for_no_marks(120)
        caught_up = time.monotonic() - max(at for at in saved_at if at is not None)
        print(f"results and integrity signals all caught up {caught_up:.1f} s after the last save "
              f"(the signals wait COMPLIANCE_SIGNALS_COUNTDOWN={getattr(settings, 'COMPLIANCE_SIGNALS_COUNTDOWN', 0)} s "
              f"to answer a burst at once)")
        overlaps = overlapping_runs(bench_started)
        from reporting.models import ComputeRun

        runs = list(ComputeRun.objects.filter(started_at__gte=bench_started).order_by("started_at")
                    .values_list("finished_at", "started_at"))
        run_s = sorted((end - start_at).total_seconds() for end, start_at in runs if end)
        print("compute runs (start after the first save: seconds): " + " ".join(
            f"{(start_at - bench_started).total_seconds():.1f}:{(end - start_at).total_seconds():.2f}"
            for end, start_at in runs if end))
        print(f"countdown={tasks._countdown()} s; compute runs={len(runs)} "
              f"(median {statistics.median(run_s) if run_s else 0:.2f} s, max {max(run_s) if run_s else 0:.2f} s); "
              f"overlaps={len(overlaps)} {overlaps[:5]}")

        # Leave the dataset as found: delete the documents through the API, then let their recompute run.
        for pk in created_ids:
            response = client.delete(f"/api/v1/documents/{pk}/")
            if response.status_code != 204:
                print(f"could not delete document {pk}: {response.status_code} {response.content[:200]!r}")
        cleaned = wait_for_no_marks(300)
        print(f"cleanup: {len(created_ids)} documents deleted, recompute {'done' if cleaned else 'still pending'}; "
              f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())} (1, 5, 15 min; 2 cores)")
        connection.close()
    finally:
        stop(beat)
        stop(worker)

    def pick(q: float) -> float:
        return delays[min(len(delays) - 1, int(q * len(delays)))] if delays else float("nan")

    print(f"p50_s={statistics.median(delays) if delays else float('nan'):.2f} p95_s={pick(0.95):.2f} "
          f"max_s={delays[-1] if delays else float('nan'):.2f} lost={lost}")


if __name__ == "__main__":
    main()
