"""Numbering series: every symbol form the document rules know, in Python and as the engine's SQL computes it."""
import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection

from documents.models import Document, DocumentType
from documents.series import SERIES_KEY_SQL, SERIES_NUMBER_SQL, sequence_of, series_key, series_of, written_series
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


@pytest.mark.django_db
def test_the_portable_series_key_is_the_engine_sql_row_by_row(seeded_types):
    # The signals' path off PostgreSQL computes the key in Python (series_key): the same on every form, on a number
    # of more than six digits, on a symbol that needs review and on the edge shapes of a key.
    unit = UnitFactory(code="S2", level="commune")
    written = [form[0] for form in FORMS] + ["1234567/QĐ-UBND", "12b/QĐ-UBND", "7", "8x", "9/", "12 QĐ UBND"]
    for i, number in enumerate(written):
        Document.objects.create(unit=unit, number=number, doc_type_id="QĐ", title="t",
                                issued_on=datetime.date(2025, 3, 1), needs_review=(i == len(written) - 1))
    Document.objects.filter(unit=unit, number="8x").update(number_key="008a-x")  # a letter, then a separator
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.number_key, d.needs_review, {SERIES_KEY_SQL}, {SERIES_NUMBER_SQL} "
                       f"FROM documents_document d WHERE d.unit_id = %s", [unit.pk])
        rows = cursor.fetchall()
    assert len(rows) == len(written)
    for key, needs_review, series, n in rows:
        assert series_key(key, needs_review) == (series, n), key
    assert series_key("1234567/qđ-ubnd", False) == (None, None)
    assert series_key("123/qđ-ubnd", True) == (None, None)


@pytest.fixture
def seeded_types(db):
    if not DocumentType.objects.exists():
        importlib.import_module("documents.migrations.0003_seed_document_types").seed(apps, None)
    DocumentType.objects.get_or_create(code="TT", defaults={"name_vi": "Thông tư", "name_en": "Circular"})
