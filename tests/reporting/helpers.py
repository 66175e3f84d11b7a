"""Data builders for the engine tests: many records in one bulk insert, and result look-ups."""
from __future__ import annotations

import datetime
import importlib
import itertools

import pytest

from documents.models import Document, DocumentType
from meetings.models import Conference
from reporting.models import ComplianceResult, ComplianceRollup
from tests.factories import ConferenceFactory

_numbers = itertools.count(1)


def docs(unit, n: int, on: datetime.date = datetime.date(2025, 3, 10), doc_type: str = "QĐ", *,
         digitized: bool = True, sent: bool = True) -> None:
    """`n` documents of `unit` issued on `on` (bulk insert: `year` is set as save() would)."""
    Document.objects.bulk_create([
        Document(unit=unit, number=f"{next(_numbers)}/{doc_type}-T", doc_type_id=doc_type, title="Văn bản",
                 issued_on=on, year=on.year, is_digitized=digitized, sent_electronically=sent)
        for _ in range(n)
    ], batch_size=5000)


def confs(unit, n: int = 1, on: datetime.date = datetime.date(2025, 4, 2), **fields) -> list[Conference]:
    return ConferenceFactory.create_batch(n, unit=unit, held_on=on, **fields)


def result(unit, target: str, *, year: int = 2025, period: str = "Y") -> ComplianceResult:
    return ComplianceResult.objects.get(unit=unit, target_id=target, year=year, period=period)


def rollup(unit, target: str, *, year: int = 2025, period: str = "Y") -> ComplianceRollup:
    return ComplianceRollup.objects.get(unit=unit, target_id=target, year=year, period=period)


@pytest.fixture
def seeded(db):
    """The catalogues that data migrations seed (targets, thresholds, policy, document types). A transactional
    test elsewhere in the suite may have flushed them; put them back so these tests never depend on order."""
    from django.apps import apps as django_apps

    from reform.models import Target

    if Target.objects.exists() and DocumentType.objects.exists():
        return
    seed_targets = importlib.import_module("reform.migrations.0003_seed_targets")
    seed_types = importlib.import_module("documents.migrations.0003_seed_document_types")
    if not DocumentType.objects.exists():
        seed_types.seed(django_apps, None)
    if not Target.objects.exists():
        seed_targets.seed(django_apps, None)
