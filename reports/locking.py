"""Approval locks a unit's subtree for a period window: the rule, the guard, the model-level safety net and the
set-based checks of uploads.

One rule, stated once in Python (`covering`) and once in SQL (`staged_locks_insert`), side by side below: a record
of a unit, dated on a day or over a span (a quarter), is locked by the approved reports of its unit and of the
units above it (for a legacy unit of before 1 July 2025, also of its default successor and the units above that,
whose figures count its records) whose window overlaps that span; the one named is the first by window start, then the unit highest
up. Four ways in use it: `reform.services` calls `write_guard` for web forms and the API; `pre_save`/`pre_delete`
receivers refuse any other `.save()`/`.delete()` (admin, scripts); the ORM upload loader checks its rows with
`covering` and the PostgreSQL one its staged file with `staged_locks_insert`. The window is the report's stored
one: the year to date (see `PeriodReport`). A record's date is its model's `RECORD_DATE_FIELD`
(reform.models.UnitRecord), to which a refusal is attached. The read side, `lock_reader`, tells pages and the API
which records of a page are locked, in one query.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reform import formatting
from reform.lineage import default_successor_paths
from reform.models import PATH_SEPARATOR, Unit, UnitRecord

from .choices import ReportState
from .models import PeriodReport

Span = tuple[datetime.date, datetime.date]
Window = tuple[datetime.date, datetime.date, PeriodReport]


def locked_models() -> list[type[UnitRecord]]:
    """The registers an approval locks: every record model with a date (`RECORD_DATE_FIELD`)."""
    return [model for model in apps.get_models() if issubclass(model, UnitRecord) and model.RECORD_DATE_FIELD]


def _dated(instance: Any) -> bool:
    return isinstance(instance, UnitRecord) and bool(instance.RECORD_DATE_FIELD)


def ancestor_paths(path: str) -> list[str]:
    """`/TW/01/00070/` → `['/TW/', '/TW/01/', '/TW/01/00070/']`: the unit itself and every unit above it."""
    parts = [part for part in path.split(PATH_SEPARATOR) if part]
    return [PATH_SEPARATOR + PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]


def quarter_span(year: int, quarter: int) -> Span:
    from .periods import ReportingPeriod

    return ReportingPeriod(year=int(year), code=f"Q{int(quarter)}").window


def _as_span(value: datetime.date | Span) -> Span:
    if isinstance(value, (tuple, list)):
        return value[0], value[1]
    return value, value


def span_of(record_date: datetime.date | tuple[int, int] | None) -> Span | None:
    """The dates a record belongs to, from its `record_date()`: its day, or its quarter's window."""
    if record_date is None:
        return None
    if isinstance(record_date, tuple):
        return quarter_span(*record_date)
    return record_date, record_date


def record_span(instance: Any) -> Span | None:
    return span_of(instance.record_date()) if _dated(instance) else None


# ------------------------------------------------------------------------------------------------ the rule

def locked_windows_for(unit_paths: Iterable[str]) -> dict[str, list[Window]]:
    """For each unit path, the approved windows that lock it (its own reports and those above it, and for a legacy
    unit those of its default successor and above it, where its records count), in the rule's order (window
    start, then the unit highest up): two queries."""
    unit_paths = set(unit_paths)
    successors = default_successor_paths(unit_paths) if unit_paths else {}
    reach = {path: [path, successors[path]] if path in successors else [path] for path in unit_paths}
    prefixes = {prefix for paths in reach.values() for path in paths for prefix in ancestor_paths(path)}
    if not prefixes:
        return {}
    reports = list(
        PeriodReport.objects.filter(state=ReportState.APPROVED, unit__path__in=prefixes)
        .select_related("unit").order_by("window_start", "unit__path")
    )
    found: dict[str, list] = {path: [] for path in unit_paths}
    for path in unit_paths:
        for report in reports:
            if any(reached.startswith(report.unit.path) for reached in reach[path]):
                found[path].append((report.window_start, report.window_end, report))
    return found


def covering(windows: list[Window], span: Span) -> PeriodReport | None:
    """The rule, in Python: the first of a unit's locking windows (`locked_windows_for`) that overlaps the span."""
    start, end = span
    for window_start, window_end, report in windows:
        if window_start <= end and window_end >= start:
            return report
    return None


def staged_locks_insert(cursor, *, model: type[UnitRecord], staging: str, errors: str) -> None:
    """The rule, in SQL: for every row of `staging` (a PostgreSQL table of an upload: `line`, `unit_code` and the
    model's date fields) that an approval locks, a row (line, the date field, the lock message) in `errors`.

    The windows come from `locked_windows_for` (so from the same query and in the same order as `covering`),
    numbered in that order; the first overlapping one names the report."""
    cursor.execute(f"SELECT DISTINCT u.code, u.path FROM {staging} s JOIN reform_unit u ON u.code = s.unit_code")
    code_paths = cursor.fetchall()
    windows = locked_windows_for([path for _code, path in code_paths])
    locks = [
        (code, rank, start, end, lock_message(report))
        for code, path in code_paths for rank, (start, end, report) in enumerate(windows.get(path, []))
    ]
    if not locks:
        return
    cursor.execute("DROP TABLE IF EXISTS import_locks, import_spans")
    cursor.execute("CREATE TEMP TABLE import_locks (unit_code text, rank integer, starts date, ends date, "
                   "message text) ON COMMIT DROP")
    cursor.executemany("INSERT INTO import_locks VALUES (%s, %s, %s, %s, %s)", locks)
    field = model.RECORD_DATE_FIELD
    if model.dated_by_quarter():
        cursor.execute(f"SELECT DISTINCT year, {field} FROM {staging} WHERE year IS NOT NULL AND {field} IS NOT NULL")
        spans = [(year, quarter, *span) for year, quarter in cursor.fetchall()
                 if (span := span_of(model.record_date_from({"year": year, field: quarter}.get)))]
        cursor.execute("CREATE TEMP TABLE import_spans (year integer, quarter integer, starts date, ends date) "
                       "ON COMMIT DROP")
        cursor.executemany("INSERT INTO import_spans VALUES (%s, %s, %s, %s)", spans)
        records = (f"(SELECT s.line, s.unit_code, p.starts, p.ends FROM {staging} s "
                   f"JOIN import_spans p ON p.year = s.year AND p.quarter = s.{field})")
    else:
        records = f"(SELECT line, unit_code, {field} AS starts, {field} AS ends FROM {staging})"
    cursor.execute(
        f"""
        INSERT INTO {errors} (line, col, message)
        SELECT DISTINCT ON (r.line) r.line, %s, l.message
          FROM {records} r JOIN import_locks l
            ON l.unit_code = r.unit_code AND l.starts <= r.ends AND l.ends >= r.starts
         ORDER BY r.line, l.rank
        """,
        [field],
    )


def locking_report_for(*, unit: Unit, on_date: datetime.date | Span) -> PeriodReport | None:
    """The approved report (of the unit or of a unit above it) whose window covers the date, if any."""
    return covering(locked_windows_for([unit.path]).get(unit.path, []), _as_span(on_date))


# ------------------------------------------------------------------- the ways in, with the messages they give


def lock_message(report: PeriodReport) -> str:
    decided = timezone.localtime(report.decided_at).date() if report.decided_at else None
    return _("The %(period)s report of %(unit)s was approved on %(date)s; ask an administrator to reopen it.") % {
        "period": report.period_name, "unit": report.unit.name,
        "date": formatting.date(decided) if decided else "—",
    }


def lock_reason(report: PeriodReport) -> str:
    """Why a record is read-only, e.g. "Approved in report Quarter 3 2026 on 05/10/2026"."""
    decided = timezone.localtime(report.decided_at).date() if report.decided_at else None
    return _("Approved in report %(period)s on %(date)s") % {
        "period": report.reporting_period.label,
        "date": formatting.date(decided) if decided else "—",
    }


def _refuse(instance: Any, report: PeriodReport) -> None:
    field = instance.RECORD_DATE_FIELD if _dated(instance) else ""
    message = lock_message(report)
    raise ValidationError({field: [message]} if field else message, code="period_locked")


def check_unlocked(instance: Any, *, unit: Unit | None = None, span: Span | None = None) -> None:
    unit = unit or (instance.unit if instance.unit_id else None)
    span = span or record_span(instance)
    if unit is None or span is None:
        return
    report = locking_report_for(unit=unit, on_date=span)
    if report is not None:
        _refuse(instance, report)


def write_guard(*, instance: Any, user: Any, action: str) -> None:
    """Registered in `reform.services.write_guards`: refuse a write into an approved period."""
    if _dated(instance):
        check_unlocked(instance)


def _stored_state(instance: Any) -> tuple[Unit, Span | None] | None:
    model = type(instance)
    stored = model._default_manager.select_related("unit").filter(pk=instance.pk).first()
    if stored is None:
        return None
    return stored.unit, record_span(stored)


def on_pre_save(sender, instance, raw=False, **kwargs) -> None:
    """Safety net for writes that bypass the services (admin, scripts): the old and the new dates."""
    if raw:
        return
    if instance.pk:
        stored = _stored_state(instance)
        if stored is not None:
            check_unlocked(instance, unit=stored[0], span=stored[1])
    check_unlocked(instance)


def on_pre_delete(sender, instance, **kwargs) -> None:
    """What is deleted is the stored row, whatever the instance in memory says."""
    stored = _stored_state(instance) if instance.pk else None
    if stored is not None:
        check_unlocked(instance, unit=stored[0], span=stored[1])
    else:
        check_unlocked(instance)


def find_locked(*, unit_ids: Sequence[int], dates: Sequence[datetime.date | Span]) -> list[tuple[int, PeriodReport]]:
    """Pairs (unit_ids[i], dates[i]) that fall in an approved window, as (i, report); two queries in all.

    A date may be a (start, end) span, e.g. the quarter of a digitisation report (`quarter_span`).
    """
    if len(unit_ids) != len(dates):
        raise ValueError("unit_ids and dates must be parallel sequences")
    paths = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
    windows = locked_windows_for(paths.values())
    locked = []
    for index, (unit_id, value) in enumerate(zip(unit_ids, dates)):
        report = covering(windows.get(paths.get(unit_id, ""), []), _as_span(value))
        if report is not None:
            locked.append((index, report))
    return locked


def locks_for(records: Sequence[Any]) -> dict[Any, PeriodReport]:
    """{pk: approved report} of the stored records that lie in a locked window: one query for a whole page.

    The units' paths come from the loaded `unit` (select_related), else from one more query.
    """
    records = [r for r in records if r.pk and _dated(r) and r.unit_id]
    paths = {r.unit_id: r.unit.path for r in records if type(r).unit.is_cached(r)}
    missing = {r.unit_id for r in records} - paths.keys()
    if missing:
        paths.update(Unit.objects.filter(pk__in=missing).values_list("pk", "path"))
    windows = locked_windows_for(paths.values()) if records else {}
    found = {}
    for record in records:
        span = record_span(record)
        report = covering(windows.get(paths.get(record.unit_id, ""), []), span) if span else None
        if report is not None:
            found[record.pk] = report
    return found


def lock_reader(records: Sequence[Any]) -> dict[Any, str]:
    """Registered in `reform.services.lock_readers`: {pk: reason} of the records an approval locks."""
    return {pk: lock_reason(report) for pk, report in locks_for(records).items()}


def assert_unlocked(*, unit_ids: Sequence[int], dates: Sequence[datetime.date | Span]) -> None:
    """Raise one ValidationError listing every (unit, date) pair that falls in an approved period."""
    locked = find_locked(unit_ids=unit_ids, dates=dates)
    if locked:
        raise ValidationError(
            [
                ValidationError(_("Row %(row)s: %(message)s") % {"row": index + 1, "message": lock_message(report)},
                                code="period_locked")
                for index, report in locked
            ]
        )


def on_report_pre_delete(sender, instance, **kwargs) -> None:
    """An approved report, and each event of one, cannot be deleted by any path (admin, scripts, a cascade):
    that would unlock its window with no reopen reason and lose its audit. It can only be reopened."""
    from django.db.models import ProtectedError

    report = instance if isinstance(instance, PeriodReport) else getattr(instance, "report", None)
    if report is not None and report.state == ReportState.APPROVED:
        raise ProtectedError(
            _("An approved report cannot be deleted; reopen it with a reason on its page instead."), {report})
