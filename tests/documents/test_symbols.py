"""Parsing a document's number and symbol: the state, legal, Party and official-letter forms."""
import unicodedata

import pytest

from documents.symbols import ParsedSymbol, normalize, normalized_number_key, number_key, parse_symbol

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


# --- number_key: the form in which two numbers are the same number (SPEC 4) ------------------------------

@pytest.mark.parametrize("written", ["456/QĐ-UBND", "456/qđ-ubnd", "456/QĐ-UBND.", "456/QĐ-ubnd", "456/Qđ-Ubnd"])
def test_number_key_makes_the_ways_of_writing_one_number_the_same(written):
    assert number_key(written) == "456/qđ-ubnd"


def test_number_key_of_nfd_input_equals_that_of_nfc_input():
    nfc = "12-QĐ/TƯ"  # Ư decomposes into U and a combining horn
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert number_key(nfd) == number_key(nfc) == number_key(nfd.lower()) == "12-qđ/tư"
    assert unicodedata.is_normalized("NFC", number_key(nfd))


def test_number_key_folds_the_stroked_d_whichever_way_it_was_typed():
    assert number_key("Đ") == number_key("đ") == number_key("D\u0335") == number_key("d\u0336") == "đ"
    assert number_key("ĐU") != number_key("DU")  # Đ is a letter of its own, not a D with an accent


def test_number_key_removes_every_space_inside_the_number():
    assert number_key(" 456 / QĐ - UB ND ") == number_key("456/QĐ-UBND\u00a0") == "456/qđ-ubnd"
    assert number_key("CV số 5 ngày 3/4") == "cvsố5ngày3/4"


def test_number_key_removes_several_trailing_punctuation_marks_and_keeps_inner_ones():
    assert number_key("456/QĐ-UBND.;,!?…") == number_key("456/QĐ-UBND .-/") == "456/qđ-ubnd"
    assert number_key("05/2025/TT-BTC") == "05/2025/tt-btc"  # the separators inside stay
    assert number_key("(12).QĐ") == "(12).qđ"  # leading punctuation stays


def test_number_key_keeps_a_number_that_is_only_punctuation():
    assert number_key("...") == "..."
    assert number_key(" - / ") == "-/"
    assert number_key("...") != number_key(".")


def test_number_key_leaves_letters_and_digits_alone():
    assert number_key("12a/QĐ-UBND") != number_key("12/QĐ-UBND")
    assert number_key("45-NQ/TU") != number_key("45/NQ-TU")  # the Party and state forms are different numbers


def test_normalized_number_key_is_number_key_of_a_normalized_text():
    for text in ("456/QĐ-UBND.", unicodedata.normalize("NFD", " 7 / QĐ - UBND "), "D\u0335U-ǰ"):
        assert normalized_number_key(normalize(text)) == number_key(text)


def test_the_page_is_given_the_server_s_own_forms_and_codes():
    from documents.symbols import _PARTY, _STATE, _pattern, client_rules

    rules = client_rules(CODES)
    assert (_STATE.pattern, _PARTY.pattern) == (_pattern("state", 0), _pattern("party", 0))
    # the same pattern, in JavaScript's syntax: named groups without P, the sets by Unicode property
    assert rules["state"] == "^" + _STATE.pattern[2:-2].replace("(?P<", "(?<").replace(
        r"[^\W\d_]", r"[\p{L}\p{Nl}\p{No}]").replace(r"\d", r"\p{Nd}").replace(r"\S", rules["space"].replace("[", "[^", 1)) + "$"
    assert rules["codes"]["qđ"] == "QĐ" and rules["codes"]["qyđ"] == "QyĐ" and rules["letterType"] == "CV"
    assert rules["folds"]["ß"] == "ss" and rules["folds"]["ſ"] == "s" and "Q" not in rules["folds"]


def test_no_character_beyond_the_basic_plane_folds_otherwise_than_to_its_lower_case():
    # client_rules lists those characters from the basic plane only: this says it misses none.
    assert not [cp for cp in range(0x10000, 0x110000) if chr(cp).casefold() != chr(cp).lower()]


def test_a_final_newline_is_not_part_of_a_form():
    from documents.symbols import _STATE

    assert _STATE.match("1/QĐ-UBND\n") is None  # normalize strips it; the pattern alone does not let it pass either
    assert parse_symbol("1/QĐ-UBND\n", CODES).type_code == "QĐ"
