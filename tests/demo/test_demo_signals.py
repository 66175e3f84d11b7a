"""Demo data plants each integrity signal's pattern in a handful of units, and enters the other records when they
happened (so the demo's registers are not all "late"): generated with the demo's own functions, computed by the engine."""
from __future__ import annotations

import datetime

import pytest

from documents.models import DigitizationReport, Document, DocumentType
from meetings.models import Conference
from demo import generators, services
from reform.bulk import BulkWriter
from reporting.models import Signal
from reporting.services import compliance_compute
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
SEED = 226


def code_with(pattern: str | None) -> str:
    for n in range(100_000):
        code = f"9{n:04d}"
        if generators.signal_pattern_of(UnitFactory.build(code=code), SEED) == pattern:
            return code
    raise AssertionError(pattern)


def generate(units) -> None:
    symbols = generators._SymbolCheck(list(DocumentType.objects.values_list("code", flat=True)))
    created = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.timezone.utc)
    writers = [BulkWriter(Document, services.DOCUMENT_COLUMNS),
               BulkWriter(Conference, services.CONFERENCE_COLUMNS),
               BulkWriter(DigitizationReport, services.REPORT_COLUMNS)]
    for unit in units:
        profile = generators.profile_for(unit, SEED, 0.3)
        for year in (2024, 2025):
            cal = generators._calendar(year, TODAY)
            rows = (generators.documents_for(unit, profile, year, cal, seed=SEED, symbols=symbols,
                                             titles=generators._titles(year), created=created),
                    generators.conferences_for(unit, profile, year, cal, seed=SEED, created=created),
                    generators.reports_for(unit, profile, year, TODAY, seed=SEED, created=created))
            planted = generators.signal_patterns_plant(unit, year, *rows, seed=SEED, created=created, planted_year=2025)
            for writer, part in zip(writers, planted):
                writer.add(part)
    for writer in writers:
        writer.flush()


@pytest.fixture
def province(seeded):
    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    return UnitFactory(code="01", name="Thành phố Hà Nội", level="provincial", parent=root)


@pytest.mark.parametrize("pattern", generators.SIGNAL_PATTERNS)
def test_each_planted_pattern_raises_its_signal_and_the_other_units_stay_on_time(province, pattern):
    planted = UnitFactory(code=code_with(pattern), level="commune", parent=province)
    peers = [UnitFactory(code=f"8{i:04d}", level="commune", parent=province) for i in range(6)]
    assert all(generators.signal_pattern_of(p, SEED) is None for p in peers)
    generate([planted, *peers])
    compliance_compute(year=2025, as_of=TODAY)
    assert Signal.objects.filter(unit=planted, year=2025, kind=pattern).exists(), list(
        Signal.objects.filter(unit=planted).values_list("kind", "params"))
    assert not Signal.objects.filter(unit__in=peers, kind="late_entry").exists()


from tests.reporting.helpers import seeded  # noqa: E402,F401 - fixture
