"""The documents registers' models: derived fields and the rules the database itself holds."""
import datetime
import unicodedata

import pytest
from django.db import IntegrityError, transaction

from documents.models import DigitizationReport, Document, DocumentType
from tests.factories import DigitizationReportFactory, DocumentFactory


def test_document_type_catalogue_is_seeded_with_official_codes(db):
    codes = set(DocumentType.objects.values_list("code", flat=True))
    assert {"NQ", "QĐ", "CT", "KL", "QC", "QyĐ", "TB", "HD", "KH", "CTr", "ĐA", "PA", "BC", "BB", "TTr", "CV"} <= codes
    assert DocumentType.objects.get(code="CV").counts_toward_reduction is True
    assert DocumentType.objects.filter(counts_toward_reduction=False).exists()  # legal normative types


def test_saving_derives_the_year_from_the_issue_date(tree):
    doc = DocumentFactory(unit=tree["01"], issued_on=datetime.date(2024, 12, 31))
    assert Document.objects.get(pk=doc.pk).year == 2024


def test_saving_stores_the_number_in_nfc_without_stray_spaces(tree):
    doc = DocumentFactory(unit=tree["01"], number=unicodedata.normalize("NFD", " 7 / QĐ - UBND "))
    assert Document.objects.get(pk=doc.pk).number == "7/QĐ-UBND"


def test_database_refuses_a_duplicate_number_in_the_same_unit_and_year(tree):
    DocumentFactory(unit=tree["01"], number="9/QĐ-UBND")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(unit=tree["01"], number="9/QĐ-UBND", issued_on=datetime.date(2025, 12, 1))


def test_database_accepts_the_same_number_in_another_year(tree):
    DocumentFactory(unit=tree["01"], number="9/QĐ-UBND")
    DocumentFactory(unit=tree["01"], number="9/QĐ-UBND", issued_on=datetime.date(2026, 1, 5))
    assert Document.objects.filter(number="9/QĐ-UBND").count() == 2


def test_full_clean_reports_a_duplicate_on_the_number_field(tree):
    DocumentFactory(unit=tree["01"], number="9/QĐ-UBND")
    duplicate = Document(unit=tree["01"], number="9/QĐ-UBND", doc_type_id="QĐ", title="x",
                         issued_on=datetime.date(2025, 6, 1))
    with pytest.raises(Exception) as caught:
        duplicate.full_clean()
    assert "number" in caught.value.message_dict


def test_full_clean_flags_an_unparseable_symbol_and_suggests_nothing(tree):
    doc = Document(unit=tree["01"], number="CV số 5 ngày 3/4", doc_type_id="CV", title="x",
                   issued_on=datetime.date(2025, 6, 1))
    doc.full_clean()
    assert doc.needs_review is True


@pytest.mark.parametrize("total,digital", [(100, 101), (0, 1)])
def test_database_refuses_more_digital_than_total_procedures(tree, total, digital):
    with pytest.raises(IntegrityError), transaction.atomic():
        DigitizationReportFactory(unit=tree["01"], procedures_total=total, procedures_digital=digital)


@pytest.mark.parametrize("quarter", [0, 5])
def test_database_refuses_a_quarter_outside_1_to_4(tree, quarter):
    with pytest.raises(IntegrityError), transaction.atomic():
        DigitizationReportFactory(unit=tree["01"], quarter=quarter)


def test_database_refuses_a_negative_procedure_count(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        DigitizationReportFactory(unit=tree["01"], procedures_total=-1, procedures_digital=0)


def test_database_refuses_two_reports_for_one_unit_and_quarter(tree):
    DigitizationReportFactory(unit=tree["01"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DigitizationReportFactory(unit=tree["01"], procedures_digital=50)
    assert DigitizationReport.objects.count() == 1
