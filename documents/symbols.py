"""Parsing of a document's number and symbol ("số và ký hiệu"), e.g. `123/QĐ-UBND` or `226-KL/TW`.

Three written forms exist (Decree 30/2020/NĐ-CP annex II; Party Regulation 66-QĐ/TW on Party documents):

- state form `NUMBER/TYPE-ISSUER`, with the year for legal documents: `123/QĐ-UBND`, `05/2025/TT-BTC`;
- Party form `NUMBER-TYPE/ISSUER`: `226-KL/TW`, `45-NQ/TU`;
- an official letter `NUMBER/ISSUER-UNIT` carries no type (it is a `CV`): `123/UBND-VP`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

OFFICIAL_LETTER = "CV"

_STATE = re.compile(r"^(?P<num>\d+[A-Za-z]?)/(?:(?P<year>\d{4})/)?(?P<head>[^\W\d_]+)-(?P<tail>\S+)$")
_PARTY = re.compile(r"^(?P<num>\d+[A-Za-z]?)-(?P<head>[^\W\d_]+)/(?P<tail>\S+)$")
_STROKED_D = re.compile("([Dd])[\u0335\u0336]")


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
    codes = {code.casefold(): code for code in type_codes}
    text = normalize(text)
    if match := _PARTY.match(text):
        code = codes.get(match["head"].casefold())
        if code is None:
            return None
        return ParsedSymbol("party", match["num"], code, match["tail"], None)
    if match := _STATE.match(text):
        code = codes.get(match["head"].casefold())
        year = int(match["year"]) if match["year"] else None
        if code is not None:
            return ParsedSymbol("state", match["num"], code, match["tail"], year)
        if year is None:
            return ParsedSymbol("letter", match["num"], None, f"{match['head']}-{match['tail']}", None)
    return None
