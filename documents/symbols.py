"""Parsing of a document's number and symbol ("số và ký hiệu"), e.g. `123/QĐ-UBND` or `226-KL/TW`.

Three written forms exist (Decree 30/2020/NĐ-CP annex II; Party Regulation 66-QĐ/TW on Party documents):

- state form `NUMBER/TYPE-ISSUER`, with the year for legal documents: `123/QĐ-UBND`, `05/2025/TT-BTC`;
- Party form `NUMBER-TYPE/ISSUER`: `226-KL/TW`, `45-NQ/TU`;
- an official letter `NUMBER/ISSUER-UNIT` carries no type (it is a `CV`): `123/UBND-VP`.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

OFFICIAL_LETTER = "CV"

# The forms are written once, from named sets of characters. Python's `re` and JavaScript (with the `u` flag) name
# the same set differently, so each set is given in both syntaxes; `client_rules` hands the JavaScript side to the
# document form, whose live hint (static/js/app.js) runs these very patterns, and
# tests/browser/test_symbol_hint_browser.py checks, code point by code point, that both sides hold the same set.
_SETS = {
    # a decimal digit: Python's \d (on text) is the Unicode category Nd
    "digit": (r"\d", r"\p{Nd}"),
    # a letter: Python's [^\W\d_] is what str.isalnum() accepts but digits and "_": categories L*, Nl and No
    "letter": (r"[^\W\d_]", r"[\p{L}\p{Nl}\p{No}]"),
    # anything but a space: Python's \S (on text) refuses exactly what str.isspace() accepts
    "nonspace": (r"\S", r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"),
    "space": (r"\s", r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"),
}
_FORMS = {
    "state": r"(?P<num>{digit}+[A-Za-z]?)/(?:(?P<year>{digit}{{4}})/)?(?P<head>{letter}+)-(?P<tail>{nonspace}+)",
    "party": r"(?P<num>{digit}+[A-Za-z]?)-(?P<head>{letter}+)/(?P<tail>{nonspace}+)",
}
# Đ typed as D + a combining stroke (short or long overlay): the same text in both syntaxes.
_STROKED_D_PATTERN = "([Dd])[\u0335\u0336]"


def _pattern(form: str, syntax: int) -> str:
    """A form, the whole text, in Python's syntax (0) or JavaScript's (1): the same sets, the same groups. (Python's
    `$` would also match before a final newline; its `\\Z` is JavaScript's `$`.)"""
    pattern = _FORMS[form].format(**{name: pair[syntax] for name, pair in _SETS.items()})
    return rf"\A{pattern}\Z" if syntax == 0 else "^" + pattern.replace("(?P<", "(?<") + "$"


_STATE = re.compile(_pattern("state", 0))
_PARTY = re.compile(_pattern("party", 0))
_STROKED_D = re.compile(_STROKED_D_PATTERN)


@dataclass(frozen=True)
class ParsedSymbol:
    form: str  # "state", "party" or "letter"
    number: str
    type_code: str | None  # None for an official letter, whose type is implied
    issuer: str
    year: int | None

    @property
    def implied_type(self) -> str:
        return self.type_code or OFFICIAL_LETTER


def normalize(text: str) -> str:
    """NFC, Đ typed as D + a combining stroke made one letter, and no stray spaces around separators."""
    # NFC alone cannot do it: Đ (U+0110) has no canonical decomposition, so D + U+0335/U+0336 never composes.
    text = _STROKED_D.sub(lambda m: "Đ" if m[1] == "D" else "đ", unicodedata.normalize("NFC", text or "")).strip()
    return re.sub(r"\s*([/-])\s*", r"\1", re.sub(r"\s+", " ", text))


def number_key(text: str) -> str:
    """The form in which two numbers are compared: the same key is the same document number (SPEC 4).

    `normalize`d (NFC, a stroked D made one letter), case-folded (`QĐ` and `qđ` alike), with no
    whitespace at all and no trailing punctuation: `456/QĐ-UBND`, `456/qđ-ubnd`, `456 / QĐ-UBND.` give
    `456/qđ-ubnd`. A number that is nothing but punctuation keeps it (`...`), so it never becomes empty.
    The number itself is stored as written; only this key is compared.
    """
    return normalized_number_key(normalize(text))


def normalized_number_key(number: str) -> str:
    """`number_key` of a text that `normalize` returned already (bulk uploads normalise each row once)."""
    key = number.casefold().replace(" ", "")  # `normalize` leaves single spaces only
    if not key.isascii():
        key = unicodedata.normalize("NFC", key)  # case folding may decompose (e.g. U+01F0)
    end = len(key)
    while end and unicodedata.category(key[end - 1]).startswith("P"):
        end -= 1
    return key[:end] if end else key


def parse_symbol(text: str, type_codes: Iterable[str]) -> ParsedSymbol | None:
    """Parse a number and symbol; None when it follows none of the three forms."""
    codes = {fold(code): code for code in type_codes}
    text = normalize(text)
    if match := _PARTY.match(text):
        code = codes.get(fold(match["head"]))
        if code is None:
            return None
        return ParsedSymbol("party", match["num"], code, match["tail"], None)
    if match := _STATE.match(text):
        code = codes.get(fold(match["head"]))
        year = int(match["year"]) if match["year"] else None
        if code is not None:
            return ParsedSymbol("state", match["num"], code, match["tail"], year)
        if year is None:
            return ParsedSymbol("letter", match["num"], None, f"{match['head']}-{match['tail']}", None)
    return None


def fold(code: str) -> str:
    """How a type code is compared: case-folded (`QĐ`, `qđ` and `Qđ` are one code)."""
    return code.casefold()


@functools.cache
def _folds_beyond_lower_case() -> dict[str, str]:
    """The characters whose case folding is not their lower case (ß → ss, ſ → s, ς → σ): with these, a lower case
    taken character by character is `str.casefold`. None lies beyond U+FFFF (tests/documents/test_symbols.py)."""
    return {c: c.casefold() for c in map(chr, range(0x10000)) if c.casefold() != c.lower()}


def client_rules(type_codes: Iterable[str]) -> dict:
    """What the page's live hint needs to judge a symbol as `parse_symbol` does (JSON, JavaScript syntax, `u` flag):
    the two forms, the stroked D and the spaces `normalize` handles, the type codes by their folded form with the
    characters that fold otherwise than to their lower case, and the type an official letter implies."""
    return {
        "state": _pattern("state", 1),
        "party": _pattern("party", 1),
        "strokedD": _STROKED_D_PATTERN,
        "space": _SETS["space"][1],
        "codes": {fold(code): code for code in type_codes},
        "folds": _folds_beyond_lower_case(),
        "letterType": OFFICIAL_LETTER,
    }
