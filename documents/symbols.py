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
