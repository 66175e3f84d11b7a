"""Coalesced recomputes after records change: durable marks in the database, and the run that answers them.

The flow:
1. `reform.services` sends `records_changed` after a commit; `reporting.receivers` calls `recompute_mark()`, which
   upserts one `RecomputeRequest` per (unit, year) (10,000 edits of one unit-year make one row), then
   `reporting.tasks.recompute_queue()`, which queues the `recompute_pending` task only if no run is already queued.
2. `recompute_pending_run()` (the task's body) snapshots the marks and computes, per year, every marked unit's
   subtree in one engine pass (a unit under another marked unit is covered by it; `selectors.Subtrees`; the whole
   year when the root is marked or beyond COMPLIANCE_RECOMPUTE_FULL_YEAR_ABOVE subtrees), and then deletes exactly
   the marks it saw (same id and requested_at), so a mark touched again meanwhile survives.
3. Each scope answered marks its integrity signals (`SignalRequest`) and queues `signals_pending`
   (`signals_pending_run`), which finds them with its own lock, a subtree at a time (many units of a province
   become the province, many scopes the country): the signals take longer than the results they read (6-7 s
   against 5 s for the country), and the next save's results must not wait behind them. A nightly or requested
   recompute still finds the signals in the same call.
4. If Redis or the broker is down, marking still works (it is a database row) and queuing fails quietly: the
   periodic sweep (reform/schedules.py) runs both tasks every few minutes and catches up.
"""
from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from reform.dates import earliest_record_date
from reform.models import Unit

from . import tasks
from .periods import DECREE09, window_system
from .selectors import Subtrees

logger = logging.getLogger(__name__)

# Arbitrary constant keys for pg_try_advisory_lock: one recompute_pending, and one signals_pending, at a time
# across all workers (the two run side by side).
ADVISORY_LOCK_KEY = 226_2025_12
SIGNALS_LOCK_KEY = 226_2025_13


def _decree09() -> bool:
    return window_system() == DECREE09


def _latest_reporting_year(today: datetime.date | None = None) -> int:
    """The last reporting year that has started (Decree 09 windows start a year on 15 December of the year before)."""
    today = today or timezone.localdate()
    if _decree09() and (today.month, today.day) >= (12, 15):
        return today.year + 1
    return today.year


def affected_years(years) -> set[int]:
    """The reporting years whose results a change in calendar year Y can move.

    Y itself, and Y+1 whose reduction targets use Y as the baseline; under Decree 09 windows a late-December record
    belongs to reporting year Y+1, so Y+2 too. Years that have not started have nothing to compute.
    """
    span = 3 if _decree09() else 2
    latest = _latest_reporting_year()
    earliest = earliest_record_date().year  # nothing is computed before it (the engine refuses those years)
    return {int(year) + k for year in years if year is not None for k in range(span)
            if earliest <= int(year) + k <= latest}


def recompute_mark(*, unit_ids, years) -> int:
    """Upsert one durable RecomputeRequest per (unit, affected year); returns how many marks were written."""
    from reporting.models import RecomputeRequest

    unit_ids = sorted({int(u) for u in unit_ids if u is not None})
    years = sorted(affected_years(years))
    if not unit_ids or not years:
        return 0
    now = timezone.now()
    rows = [RecomputeRequest(unit_id=u, year=y, requested_at=now) for u in unit_ids for y in years]
    with transaction.atomic():
        RecomputeRequest.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["unit", "year"], update_fields=["requested_at"]
        )
    return len(rows)


def recompute_mark_policy(*, years) -> int:
    """A policy change (threshold, target, hybrid switch, document-type catalogue): mark the root unit for each
    year, which makes the merged scope of the year the whole country (see _plan), with the reason `policy` so
    the pages can say a policy change is waiting. Years are exact here (no baseline spill-over): the caller
    knows which years the change governs. Returns how many marks were written."""
    from reporting.models import RecomputeRequest

    from .choices import MarkReason

    years = sorted({int(y) for y in years if y is not None})
    root = _root()
    if root is None or not years:
        return 0
    now = timezone.now()
    rows = [RecomputeRequest(unit=root, year=y, requested_at=now, reason=MarkReason.POLICY) for y in years]
    with transaction.atomic():
        RecomputeRequest.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["unit", "year"], update_fields=["requested_at", "reason"]
        )
    return len(rows)


@contextmanager
def _exclusive(key: int = ADVISORY_LOCK_KEY):
    """One run of a kind at a time (a PostgreSQL session advisory lock); other databases run single-process."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@dataclass
class Plan:
    """What to recompute for one year: the whole year, or a few unit subtrees."""

    year: int
    full: bool = False
    unit_ids: list[int] = field(default_factory=list)


def _plan(year: int, unit_ids: set[int], *, full_above: int, province_collapse: int | None = None) -> Plan:
    """The scopes that answer the marked units: each unit's subtree once (a unit under another marked unit is
    covered by it), the whole year when the root is marked or more than `full_above` subtrees remain, and with
    `province_collapse`, a province for that many of its units."""
    units = list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    paths = sorted(path for _, path in units)
    by_path = {path: pk for pk, path in units}
    # Drop units covered by a marked ancestor (paths are sorted, so an ancestor comes before its subtree).
    kept: list[str] = []
    for path in paths:
        if kept and path.startswith(kept[-1]):
            continue
        kept.append(path)
    if any(path.count("/") <= 2 for path in kept):  # the root itself is marked
        return Plan(year=year, full=True)
    scopes: list[str] = kept
    if province_collapse:
        # Many units in one province: one subtree compute of the province is cheaper than many small ones.
        per_province: dict[str, list[str]] = defaultdict(list)
        for path in kept:
            per_province["/".join(path.split("/")[:3]) + "/"].append(path)
        scopes = []
        province_ids = dict(Unit.objects.filter(path__in=list(per_province)).values_list("path", "pk"))
        for province_path, members in per_province.items():
            if len(members) >= province_collapse and province_path in province_ids:
                scopes.append(province_path)
                by_path[province_path] = province_ids[province_path]
            else:
                scopes.extend(members)
    if len(scopes) > full_above:
        return Plan(year=year, full=True)
    return Plan(year=year, unit_ids=[by_path[path] for path in sorted(scopes)])


def _results_plan(year: int, unit_ids: set[int]) -> Plan:
    # The marked subtrees are computed in one pass (selectors.Subtrees), which costs about what their units and the
    # localities above them do: 200 communes in 20 provinces take a fraction of the national pass (which reads every
    # register in full). Beyond COMPLIANCE_RECOMPUTE_FULL_YEAR_ABOVE subtrees the national pass is cheaper.
    return _plan(year, unit_ids, full_above=int(getattr(settings, "COMPLIANCE_RECOMPUTE_FULL_YEAR_ABOVE", 600)))


def _signals_plan(year: int, unit_ids: set[int]) -> Plan:
    # The signals of a subtree cost 0.2-1 s each (one call per subtree), those of the country 5-7 s: a few subtrees,
    # provinces for many of their units, and beyond that the country.
    return _plan(year, unit_ids, full_above=int(getattr(settings, "COMPLIANCE_SIGNALS_FULL_YEAR_ABOVE", 6)),
                 province_collapse=int(getattr(settings, "COMPLIANCE_SIGNALS_PROVINCE_COLLAPSE", 8)))


def _delete_seen(seen: list[tuple[int, datetime.datetime]], model=None) -> int:
    """Delete the marks exactly as they were seen; a mark whose requested_at moved since is left for the next run."""
    from reporting.models import RecomputeRequest

    model = model or RecomputeRequest
    if not seen:
        return 0
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'DELETE FROM "{table}" WHERE (id, requested_at) IN '
                "(SELECT * FROM unnest(%s::bigint[], %s::timestamptz[]))",
                [[pk for pk, _ in seen], [at for _, at in seen]],
            )
            return cursor.rowcount
    from django.db.models import Q

    deleted = 0
    for start in range(0, len(seen), 200):
        condition = Q()
        for pk, at in seen[start:start + 200]:
            condition |= Q(pk=pk, requested_at=at)
        deleted += model.objects.filter(condition).delete()[0]
    return deleted


def _max_attempts() -> int:
    return max(1, int(getattr(settings, "COMPLIANCE_MARK_MAX_ATTEMPTS", 3)))


def _mark_failed(marks: list[tuple], error: BaseException, model=None) -> dict:
    """Count a failed attempt on the marks of a scope; drop the ones that have failed too often. Their failures
    stay in the compute runs (admin list, banners) or the log (signals); a record change marks the unit-year again."""
    from django.db.models import F

    from reporting.models import RecomputeRequest

    model = model or RecomputeRequest
    ids = [pk for pk, *_rest in marks]
    text = f"{type(error).__name__}: {error}"[:2000]
    model.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, last_error=text)
    dropped = model.objects.filter(pk__in=ids, attempts__gte=_max_attempts())
    given_up = list(dropped.values_list("unit__code", "year"))
    dropped.delete()
    if given_up:
        logger.error("%s marks dropped after %s failed attempts: %s (%s)", model.__name__, _max_attempts(), given_up,
                     text)
    return {"marks": len(ids), "dropped": len(given_up), "error": text}


def recompute_pending_run(*, max_rounds: int = 5, task_id: str = "") -> dict:
    """Recompute every marked unit-year, in as few scopes as possible; loops while new marks keep arriving.
    Each compute is recorded as a ComputeRun (reporting/runs.py), triggered by `policy` or `records`.

    Each scope stands alone: one that fails (a record the engine cannot judge, a bug) is recorded on its marks and
    in its compute run, retried by later runs up to COMPLIANCE_MARK_MAX_ATTEMPTS times and then dropped, and the
    other scopes and years go on. It used to stop the whole run, for every unit, for good."""
    from reporting.models import RecomputeRequest
    from reporting.runs import compute_recorded

    from .choices import MarkReason, RunTrigger

    tasks.clear_queued_flag()

    def compute(year: int, scope) -> None:
        policy = RecomputeRequest.objects.filter(year=year, reason=MarkReason.POLICY).exists()
        compute_recorded(year=year, unit=scope, trigger=RunTrigger.POLICY if policy else RunTrigger.RECORDS,
                         task_id=task_id, with_signals=False)

    summary, left = _answer_marks(
        model=RecomputeRequest, lock_key=ADVISORY_LOCK_KEY, max_rounds=max_rounds, together=True, compute=compute,
        # Before the marks go, so that a fault in between loses nothing.
        answered=lambda year, scope: signals_mark(scope=scope, year=year), what="Recompute")
    if summary["scopes"]:
        summary["signals"] = tasks.signals_queue()
    if left and not tasks.in_process():
        # Marks left (the rounds ran out, or a change landed after the last round while its own run, started
        # meanwhile, was turned away by the lock) get a run now instead of waiting for the periodic sweep.
        summary["requeued"] = tasks.recompute_queue()
    return summary


def _answer_marks(*, model, lock_key: int, max_rounds: int, together: bool, compute, answered=None,
                  what: str) -> tuple[dict, bool]:
    """The loop both kinds of marks share: one run at a time (`lock_key`); rounds while marks keep arriving; each
    year's marks merged into scopes (`_scopes`), each scope computed (`compute(year, scope)`), then `answered`, then
    exactly the marks it answered deleted as they were seen. A scope that fails is recorded on its marks (bounded
    retries) and the others go on; a database error stops the run (the task retries, the marks stay). Returns the
    summary and whether marks are left (failed ones excepted: they wait for a later run)."""
    summary = {"rounds": 0, "marks": 0, "scopes": [], "failed": [], "skipped": False}
    failed_ids: set[int] = set()  # marks that failed in this run wait for a later one
    with _exclusive(lock_key) as got:
        if not got:
            # Another run holds the lock; it loops until no marks remain, and the sweep catches any stragglers.
            summary["skipped"] = True
            return summary, False
        for _ in range(max_rounds):
            marks = [mark for mark in model.objects.order_by("year", "unit_id").values_list(
                "pk", "unit_id", "year", "requested_at", "unit__path") if mark[0] not in failed_ids]
            if not marks:
                break
            summary["rounds"] += 1
            summary["marks"] += len(marks)
            by_year: dict[int, list[tuple]] = defaultdict(list)
            for mark in marks:
                by_year[mark[2]].append(mark)
            for year, year_marks in sorted(by_year.items()):
                for scope, scope_marks in _scopes(year, year_marks, together=together):
                    where = _where(year, scope)
                    try:
                        compute(year, scope)
                    except (OperationalError, InterfaceError):
                        raise  # the database itself: the task retries with back-off, the marks stay
                    except Exception as error:  # noqa: BLE001 - this scope failed; the others go on
                        logger.exception("%s of %s failed; its marks wait for a retry", what, where)
                        failed_ids.update(mark[0] for mark in scope_marks)
                        summary["failed"].append({**where, **_mark_failed(scope_marks, error, model)})
                        continue
                    summary["scopes"].append(where)
                    if answered is not None:
                        answered(year, scope)
                    # Only the marks this scope answered, as they were seen (a mark touched since stays).
                    _delete_seen([(mark[0], mark[3]) for mark in scope_marks], model)
        left = model.objects.exclude(pk__in=failed_ids).exists()
    return summary, left


def _scopes(year: int, year_marks: list[tuple], *, together: bool) -> list[tuple[Unit | Subtrees | None, list[tuple]]]:
    """The year's marks (pk, unit_id, year, requested_at, unit path) merged into scopes, each with the marks it
    answers; a scope of None is the whole country. `together`: the results' plan, its subtrees in one pass (one
    scope); otherwise the signals' plan, a scope per subtree."""
    plan = (_results_plan if together else _signals_plan)(year, {mark[1] for mark in year_marks})
    if plan.full:
        return [(None, year_marks)]
    units = Unit.objects.in_bulk(plan.unit_ids)
    roots = [units[unit_id] for unit_id in plan.unit_ids]
    if together and len(roots) > 1:
        return [(Subtrees.of(roots), year_marks)]
    return [(root, [mark for mark in year_marks if mark[4].startswith(root.path)]) for root in roots]


def _where(year: int, scope: Unit | Subtrees | None) -> dict:
    if isinstance(scope, Subtrees):
        return {"year": year, "units": [root.code for root in scope.roots]}
    return {"year": year, "unit": scope.code if scope else None}


def _root() -> Unit | None:
    return Unit.objects.filter(code="TW").first() or Unit.objects.filter(parent__isnull=True).order_by("path").first()


def signals_mark(*, scope: Unit | Subtrees | None, year: int) -> None:
    """Mark the signals of the scope's subtrees (None: the country, marked on the root unit) of `year` to be found
    again."""
    from reporting.models import SignalRequest

    targets = list(scope.roots) if isinstance(scope, Subtrees) else [scope or _root()]
    now = timezone.now()
    SignalRequest.objects.bulk_create([SignalRequest(unit=target, year=year, requested_at=now)
                                       for target in targets if target is not None],
                                      update_conflicts=True, unique_fields=["unit", "year"],
                                      update_fields=["requested_at"])


def signals_pending_run(*, max_rounds: int = 5, deferrals: int = 0) -> dict:
    """Find again the signals of every marked unit-year, a subtree at a time (`_signals_plan`), one run at a time;
    loops while marks keep arriving, like `recompute_pending_run`. A scope that fails keeps its marks for a bounded
    number of retries (COMPLIANCE_MARK_MAX_ATTEMPTS); the others go on.

    Results first: while results marks wait (saves keep coming), the run makes way for them and queues itself
    again after the signals' countdown, up to COMPLIANCE_SIGNALS_MAX_DEFERRALS times (then it runs whatever waits).
    The signals read the results, and on a 2-core server a run of them beside a burst of saves slowed each round
    of results from 0.7 s to 2-3 s (benchmarks/freshness.py: the saves of the burst's last seconds waited 4-5 s
    instead of 2)."""
    from reporting.models import RecomputeRequest, SignalRequest
    from reporting.signals import signals_compute

    tasks.clear_signals_flag()
    if (not tasks.in_process() and deferrals < _max_signal_deferrals()
            and RecomputeRequest.objects.filter(attempts=0).exists()):
        return {"deferred": tasks.signals_queue(deferrals=deferrals + 1), "deferrals": deferrals + 1}
    summary, left = _answer_marks(
        model=SignalRequest, lock_key=SIGNALS_LOCK_KEY, max_rounds=max_rounds, together=False,
        compute=lambda year, scope: signals_compute(year=year, unit=scope), what="Signals")
    if left and not tasks.in_process():
        summary["requeued"] = tasks.signals_queue()
    return summary


def _max_signal_deferrals() -> int:
    return int(getattr(settings, "COMPLIANCE_SIGNALS_MAX_DEFERRALS", 6))


def recompute_marks_clear(*, year: int, before: datetime.datetime) -> int:
    """After a full recompute of a year started at `before` (signals included), the year's older marks of both
    kinds are answered."""
    from reporting.models import RecomputeRequest, SignalRequest

    SignalRequest.objects.filter(year=year, requested_at__lte=before).delete()
    return RecomputeRequest.objects.filter(year=year, requested_at__lte=before).delete()[0]
