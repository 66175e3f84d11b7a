"""Numbering series: every symbol form the document rules know, in Python and as the engine's SQL computes it."""
import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection

from documents.models import Document, DocumentType
from documents.series import SERIES_KEY_SQL, SERIES_NUMBER_SQL, sequence_of, series_of, written_series
from documents.symbols import number_key
from tests.factories import UnitFactory

CODES = ["NQ", "QĐ", "CT", "KL", "QC", "QyĐ", "TB", "HD", "KH", "CTr", "ĐA", "BC", "TTr", "CV", "TT", "NĐ"]

# (as written, chosen type, number, series as written, sequence)
FORMS = [
    ("123/QĐ-UBND", "QĐ", 123, "QĐ-UBND", "state:UBND"),
    ("12a/QĐ-UBND", "QĐ", 12, "QĐ-UBND", "state:UBND"),
    ("05/2025/TT-BTC", "TT", 5, "2025/TT-BTC", "legal:2025:BTC"),
    ("07/2025/NQ-HĐND", "NQ", 7, "2025/NQ-HĐND", "legal:2025:HĐND"),
    ("226-KL/TW", "KL", 226, "KL/TW", "party:TW"),
    ("45-NQ/TU", "NQ", 45, "NQ/TU", "party:TU"),
    ("3-QyĐ/ĐU", "QyĐ", 3, "QyĐ/ĐU", "party:ĐU"),
    ("123/UBND-VP", "CV", 123, "UBND-VP", "state:UBND"),
    ("9/BC-UBND-VX", "BC", 9, "BC-UBND-VX", "state:UBND-VX"),
    ("456/qđ-ubnd", "QĐ", 456, "QĐ-ubnd", "state:ubnd"),  # the type as catalogued, the issuer as written
    ("8 / QĐ - UBND", "QĐ", 8, "QĐ-UBND", "state:UBND"),
    ("11/Q\u0110-UBND", "QĐ", 11, "QĐ-UBND", "state:UBND"),
]


@pytest.mark.parametrize(("written", "doc_type", "number", "series", "sequence"), FORMS)
def test_series_of_every_form(written, doc_type, number, series, sequence):
    found = series_of(written, CODES)
    assert (found.number, found.series, found.sequence) == (number, series, sequence)
    assert sequence_of(found.key, doc_type) == sequence.casefold()


@pytest.mark.parametrize("garbage", ["abc", "QĐ-UBND 12", "12 QĐ UBND", "12.QĐ.UBND", "", "12/XYZ", "/QĐ-UBND"])
def test_a_symbol_of_no_known_form_has_no_series(garbage):
    assert series_of(garbage, CODES) is None


def test_written_series_strips_the_number_and_its_letter():
    assert written_series("123/QĐ-UBND") == "QĐ-UBND"
    assert written_series("12a-NQ/TU") == "NQ/TU"
    assert written_series("05/2025/TT-BTC") == "2025/TT-BTC"


@pytest.mark.django_db
def test_the_engine_sql_gives_the_same_key_and_number_as_python(seeded_types):
    unit = UnitFactory(code="S1", level="commune")
    for written, doc_type, *_rest in FORMS:
        Document.objects.create(unit=unit, number=written, doc_type_id=doc_type, title="t",
                                issued_on=datetime.date(2025, 3, 1))
    Document.objects.create(unit=unit, number="12 QĐ UBND", doc_type_id="QĐ", title="t",
                            issued_on=datetime.date(2025, 3, 1), needs_review=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.number_key, {SERIES_KEY_SQL}, {SERIES_NUMBER_SQL} FROM documents_document d "
                       f"WHERE d.unit_id = %s", [unit.pk])
        rows = {key: (series, n) for key, series, n in cursor.fetchall()}
    for written, _doc_type, number, _series, _sequence in FORMS:
        assert rows[number_key(written)] == (series_of(written, CODES).key, number), written
    assert rows[number_key("12 QĐ UBND")] == (None, None)


@pytest.fixture
def seeded_types(db):
    if not DocumentType.objects.exists():
        importlib.import_module("documents.migrations.0003_seed_document_types").seed(apps, None)
    DocumentType.objects.get_or_create(code="TT", defaults={"name_vi": "Thông tư", "name_en": "Circular"})
