"""Parsing a document's number and symbol: the state, legal, Party and official-letter forms."""
import unicodedata

import pytest

from documents.symbols import ParsedSymbol, normalize, parse_symbol

CODES = ["NQ", "QĐ", "CT", "KL", "QC", "QyĐ", "TB", "HD", "KH", "CTr", "ĐA", "BC", "TTr", "CV", "TT", "NĐ"]


def test_state_form_gives_type_issuer_and_no_year():
    assert parse_symbol("123/QĐ-UBND", CODES) == ParsedSymbol("state", "123", "QĐ", "UBND", None)


def test_state_form_with_year_gives_the_year():
    parsed = parse_symbol("05/2025/QĐ-UBND", CODES)
    assert (parsed.form, parsed.number, parsed.type_code, parsed.year) == ("state", "05", "QĐ", 2025)


def test_state_form_keeps_a_compound_issuer():
    assert parse_symbol("12/KH-MTTQ-BTT", CODES).issuer == "MTTQ-BTT"


def test_party_form_gives_type_and_issuer():
    assert parse_symbol("226-KL/TW", CODES) == ParsedSymbol("party", "226", "KL", "TW", None)
    assert parse_symbol("45-NQ/TU", CODES).implied_type == "NQ"


def test_official_letter_carries_no_type_and_implies_cv():
    parsed = parse_symbol("123/UBND-VP", CODES)
    assert (parsed.form, parsed.type_code, parsed.issuer, parsed.implied_type) == ("letter", None, "UBND-VP", "CV")


def test_type_codes_match_whatever_the_case():
    assert parse_symbol("7-ctr/TU", CODES).type_code == "CTr"
    assert parse_symbol("3-QYĐ/ĐU", CODES).type_code == "QyĐ"


def test_symbol_typed_in_nfd_parses_like_nfc():
    nfd = unicodedata.normalize("NFD", "05/2025/NQ-HĐND")
    assert parse_symbol(nfd, CODES) == parse_symbol("05/2025/NQ-HĐND", CODES)
    assert normalize(unicodedata.normalize("NFD", "Số 12/QĐ-UBND xã Tân Định")) == "Số 12/QĐ-UBND xã Tân Định"


@pytest.mark.parametrize("stroke", ["\u0335", "\u0336"])
def test_d_typed_as_d_plus_combining_stroke_is_the_letter_d_with_stroke(stroke):
    # "Đ" has no canonical decomposition: some keyboards and PDF extractions write it as D + a combining stroke.
    assert parse_symbol(f"123/QD{stroke}-UBND", CODES).type_code == "QĐ"
    assert parse_symbol(f"5-D{stroke}A/TU", CODES).type_code == "ĐA"
    assert normalize(f"05/2025/NQ-HD{stroke}ND") == "05/2025/NQ-HĐND"


def test_spaces_around_separators_are_ignored():
    assert normalize(" 123 / QĐ - UBND ") == "123/QĐ-UBND"
    assert parse_symbol("123 / QĐ - UBND", CODES).type_code == "QĐ"


def test_a_year_in_a_symbol_of_unknown_type_does_not_parse():
    assert parse_symbol("12/2025/UBND-VP", CODES) is None


@pytest.mark.parametrize("garbage", [
    "", "   ", "abc", "Số 12/QĐ", "12 QĐ UBND", "QĐ12-UBND", "12.QĐ.UBND", "QĐ-UBND/12", "12-XX/TU", "/QĐ-UBND",
])
def test_garbage_does_not_parse(garbage):
    assert parse_symbol(garbage, CODES) is None
