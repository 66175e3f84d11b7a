"""`demo_data_load`: realistic, reproducible synthetic records for demos and benchmarks (`manage.py demo_data`).

Records are written in bulk (PostgreSQL `COPY`, a multi-row insert elsewhere), which bypasses `Model.save()`:
the rows come from `demo.generators` with their derived fields already set. Demo data is loaded by the system, not
a person, so it writes no audit-trail rows; that absence is also what marks it as replaceable.

Across the 1 July 2025 reorganisation (when the legacy units are loaded): a legacy unit writes records up to its
`valid_until`, behaving as a share of its default successor (so a new commune's 2025 baseline, its predecessors'
first half plus its own second half, follows one trend), and a current unit formed from predecessors writes from
1 July 2025 on. Units without a lineage (the centre, agencies, a tree without legacy units) write every year.
"""
from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from documents.models import DigitizationReport, Document, DocumentType
from meetings.models import Conference
from reform.bulk import BulkWriter
from reform.choices import Kind, Level
from reform.models import Unit, UnitSuccession
from reform.querysets import subtree_q
from reform.units import ROOT_CODE, units_load

from .catalogues import AGENCIES, AGENCY_PROVINCES_NATIONAL, DEFAULT_YEARS, SMALL_PROVINCES
from .generators import (
    Profile, _calendar, _SymbolCheck, _titles, conferences_for, documents_for, profile_for, reports_for,
    signal_patterns_plant,
)

FLUSH_ROWS = 100_000
REFORM_DAY = datetime.date(2025, 7, 1)  # the new communes began work; a current unit with predecessors starts here

# ---------------------------------------------------------------------------------------------- columns written

DOCUMENT_COLUMNS = ("unit_id", "number", "doc_type_id", "title", "issued_on", "year", "is_digitized",
                    "sent_electronically", "needs_review", "created_at", "updated_at", "number_key")
CONFERENCE_COLUMNS = ("unit_id", "title", "held_on", "duration_days", "format", "category", "scope", "is_regular_session",
                      "exception_approved", "exception_ref", "reheld_after_online", "budget_allocated", "budget_spent",
                      "opening_speech_min", "closing_speeches_min", "longest_presentation_min", "participants",
                      "created_at", "updated_at")
REPORT_COLUMNS = ("unit_id", "year", "quarter", "procedures_total", "procedures_digital", "created_at", "updated_at")


# ---------------------------------------------------------------------------------------------- the load

@dataclass
class DemoResult:
    units: int = 0
    agencies_created: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    conferences: int = 0
    reports: int = 0
    seconds: float = 0.0


def agencies_ensure(province_codes: Iterable[str]) -> int:
    """Create the demo agencies (`01-VPUB`, ...) under the given provinces if they are missing."""
    created = 0
    for province in Unit.objects.filter(code__in=list(province_codes), level=Level.PROVINCIAL).order_by("code"):
        city = province.name.startswith("Thành phố ")
        place = province.name if city else f"tỉnh {province.name}"
        short = province.name.removeprefix("Thành phố ")
        committee = f"Thành ủy {short}" if city else f"Tỉnh ủy {province.name}"
        for suffix, pattern, block, _issuer in AGENCIES:
            code = f"{province.code}-{suffix}"
            if Unit.objects.filter(code=code).exists():
                continue
            Unit(code=code, name=pattern.format(p=place, c=committee), level=Level.PROVINCIAL, kind=Kind.AGENCY,
                 block=block, parent=province).save()
            created += 1
    return created


def _scope(scale: str, provinces: Sequence[str] | None, max_communes: int | None) -> models.QuerySet:
    if scale == "national" and not provinces:
        units = Unit.objects.all()
    else:
        chosen = list(provinces or SMALL_PROVINCES)
        paths = list(Unit.objects.filter(code__in=chosen, level=Level.PROVINCIAL).values_list("path", flat=True))
        missing = set(chosen) - {p.strip("/").split("/")[-1] for p in paths}
        if missing:
            raise ValueError(f"No province with code {', '.join(sorted(missing))}.")
        condition = Q(code=ROOT_CODE)
        for path in paths:
            condition |= subtree_q(path, via="")
        units = Unit.objects.filter(condition)
        if max_communes is not None:
            keep = []
            for path in paths:
                keep += list(Unit.objects.in_subtree(path).filter(level=Level.COMMUNE)
                             .order_by("code").values_list("pk", flat=True)[:max_communes])
            units = units.filter(~Q(level=Level.COMMUNE) | Q(pk__in=keep))
        # The legacy units whose records count in these (their default successor is one of them).
        legacy = UnitSuccession.objects.filter(order=0, successor__in=units.values("pk")).values("predecessor_id")
        units = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk__in=legacy))
    return units.order_by("path")


@dataclass(frozen=True)
class _Life:
    """The part of the years a unit writes records in, and the profile it behaves by."""

    starts: datetime.date | None
    ends: datetime.date | None
    profile: Profile


def _lives(units: list[Unit], seed: int, volume: float) -> dict[int, _Life]:
    """Each unit's life across the reorganisation (one query on the successions): a legacy unit behaves as its
    default successor's share (1 / the legacy units of its level with that default successor) up to its end; a
    current unit with predecessors starts on REFORM_DAY; any other unit lives every year."""
    by_id = {unit.pk: unit for unit in units}
    default_of = dict(UnitSuccession.objects.filter(order=0, predecessor__in=list(by_id))
                      .values_list("predecessor_id", "successor_id"))
    successors = set(UnitSuccession.objects.filter(successor__in=list(by_id)).values_list("successor_id", flat=True))
    sharing: dict[tuple[int, str], int] = {}
    for pred, succ in default_of.items():
        key = (succ, by_id[pred].level)
        sharing[key] = sharing.get(key, 0) + 1
    lives = {}
    for unit in units:
        successor = by_id.get(default_of.get(unit.pk))
        if unit.valid_until is not None:
            if successor is not None and unit.level != Level.DISTRICT:
                profile = profile_for(successor, seed, volume / sharing[successor.pk, unit.level])
            else:
                profile = profile_for(unit, seed, volume)
            lives[unit.pk] = _Life(None, unit.valid_until, profile)
        else:
            lives[unit.pk] = _Life(REFORM_DAY if unit.pk in successors else None, None, profile_for(unit, seed, volume))
    return lives


def _quarter_within(year: int, quarter: int, life: _Life) -> bool:
    starts = datetime.date(year, 3 * quarter - 2, 1)
    return (life.ends is None or starts <= life.ends) and (life.starts is None or starts >= life.starts)


def _delete_replaceable(model: type[models.Model], units: models.QuerySet, years: Sequence[int]) -> int:
    """Delete the records of these units and years that have no audit trail: earlier demo (or other
    system) loads. A record an upload created has none until it changes, but its upload is its audit
    record: kept. Raw SQL, because an ORM delete would write a history row per record."""
    history = model.history.model
    if model is Conference:
        in_years = Q()
        for year in years:
            in_years |= Q(held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))
    else:
        in_years = Q(year__in=list(years))
    doomed = model.objects.filter(in_years, unit__in=units.values("pk"), upload__isnull=True).filter(
        ~Exists(history.objects.filter(id=OuterRef("pk")))).values("pk")
    sql, params = doomed.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE id IN ({sql})", params)
        return cursor.rowcount


def demo_data_load(*, scale: str = "small", seed: int = 226, years: Sequence[int] = DEFAULT_YEARS,
                   provinces: Sequence[str] | None = None, max_communes: int | None = None, volume: float = 1.0,
                   today: datetime.date | None = None, progress: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Generate (or regenerate) demo records for the scope's units and the given years, in one transaction."""
    started = time.monotonic()
    today = today or timezone.localdate()
    years = sorted(set(years))
    if any(year > today.year for year in years):
        raise ValueError(f"Years after {today.year} have not started: no record can be dated in the future.")
    if not Unit.objects.filter(level=Level.PROVINCIAL).exists():
        progress("No units yet: loading the provinces and communes first.")
        units_load()
    result = DemoResult()
    with transaction.atomic():
        agency_provinces = (provinces or SMALL_PROVINCES) if scale == "small" or provinces else AGENCY_PROVINCES_NATIONAL
        result.agencies_created = agencies_ensure(agency_provinces)
        units_qs = _scope(scale, provinces, max_communes)
        units = list(units_qs)
        result.units = len(units)
        for model in (Document, Conference, DigitizationReport):
            result.deleted[model.__name__] = _delete_replaceable(model, units_qs, years)
        if any(result.deleted.values()):
            progress("Replaced earlier demo records: " + ", ".join(f"{n:,} {m}" for m, n in result.deleted.items()))
        # Records that people entered (they have an audit trail) stay; never collide with them.
        taken_numbers = set(Document.objects.filter(year__in=years, unit__in=units_qs.values("pk"))
                            .values_list("unit_id", "number_key", "year"))
        taken_quarters = set(DigitizationReport.objects.filter(year__in=years, unit__in=units_qs.values("pk"))
                             .values_list("unit_id", "year", "quarter"))
        symbols = _SymbolCheck(list(DocumentType.objects.values_list("code", flat=True)))
        calendars: dict = {year: _calendar(year, today) for year in years}  # and (year, starts, ends) of shorter lives
        titles = {year: _titles(year) for year in years}
        created = timezone.now()
        docs = BulkWriter(Document, DOCUMENT_COLUMNS, flush_rows=FLUSH_ROWS)
        confs = BulkWriter(Conference, CONFERENCE_COLUMNS, flush_rows=FLUSH_ROWS)
        reports = BulkWriter(DigitizationReport, REPORT_COLUMNS, flush_rows=FLUSH_ROWS)
        step = max(1, len(units) // 20)
        # The integrity signals' patterns are planted in the last ended year (the year before it is their baseline).
        planted_year = max((y for y in years[1:] if y < today.year), default=None)
        lives = _lives(units, seed, volume)
        for index, unit in enumerate(units, start=1):
            life = lives[unit.pk]
            profile = life.profile
            for year in years:
                cal = calendars[year]
                if life.starts or life.ends:
                    if (life.ends and year > life.ends.year) or (life.starts and year < life.starts.year):
                        continue
                    key = (year, life.starts, life.ends)
                    if key not in calendars:
                        calendars[key] = _calendar(year, today, life.starts, life.ends)
                    cal = calendars[key]
                rows = documents_for(unit, profile, year, cal, seed=seed, symbols=symbols,
                                     titles=titles[year], created=created)
                conference_rows = conferences_for(unit, profile, year, cal, seed=seed, created=created)
                report_rows = reports_for(unit, profile, year, today, seed=seed, created=created)
                if life.starts or life.ends:
                    report_rows = [r for r in report_rows if _quarter_within(r[1], r[2], life)]
                rows, conference_rows, report_rows = signal_patterns_plant(
                    unit, year, rows, conference_rows, report_rows, seed=seed, created=created,
                    planted_year=None if life.ends else planted_year)
                if taken_numbers:
                    rows = [r for r in rows if (r[0], r[-1], r[5]) not in taken_numbers]
                docs.add(rows)
                confs.add(conference_rows)
                reports.add([r for r in report_rows if (r[0], r[1], r[2]) not in taken_quarters])
            if index % step == 0 or index == len(units):
                progress(f"  {index:,}/{len(units):,} units: {docs.written + len(docs.rows):,} documents, "
                         f"{confs.written + len(confs.rows):,} conferences ({time.monotonic() - started:.0f} s)")
        for writer in (docs, confs, reports):
            writer.flush()
    result.documents, result.conferences, result.reports = docs.written, confs.written, reports.written
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh planner statistics for the engine's aggregates
            for model in (Document, Conference, DigitizationReport):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result.seconds = time.monotonic() - started
    return result
