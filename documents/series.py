"""Numbering series of documents: which sequence a number belongs to, so a register whose numbers skip shows it.

Vietnamese documents are numbered in one sequence per issuer and year (Decree 30/2020/NĐ-CP art. 15; Party
Regulation 66-QĐ/TW). A series is what follows the number in the symbol (documents/symbols.py's three forms):

- state form `123/QĐ-UBND`: series `QĐ-UBND`, in the issuer's sequence `state:UBND`;
- legal documents numbered with their year `05/2025/TT-BTC`: series `2025/TT-BTC`, sequence `legal:2025:BTC`
  (numbered apart from the administrative documents, per year);
- Party form `226-KL/TW`: series `KL/TW`, sequence `party:TW`;
- an official letter `123/UBND-VP`: series `UBND-VP`, in its issuer's sequence `state:UBND` (a letter is numbered
  with the issuer's other administrative documents when the issuer keeps one sequence).

A symbol that follows none of the forms (`needs_review`) has no series: it is counted apart, never guessed.
`SERIES_KEY_SQL` computes a series' key in PostgreSQL from a row's `number_key`, and `sequence_of` maps the key to
its sequence (tests/documents/test_series.py checks they agree with `series_of` on every form).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .symbols import parse_symbol

_LEADING = re.compile(r"^\d+")


@dataclass(frozen=True)
class Series:
    number: int  # the number's digits (`12a` is 12)
    series: str  # as written: `QĐ-UBND`, `2025/TT-BTC`, `KL/TW`, `UBND-VP`
    sequence: str  # the issuer's sequence the series belongs to: `state:UBND`, `legal:2025:BTC`, `party:TW`
    form: str  # "state", "legal", "party" or "letter"

    @property
    def key(self) -> str:
        """The series as the database computes it (`SERIES_KEY_SQL`): the separator after the number and the series,
        case-folded like `number_key` (`/qđ-ubnd`, `-kl/tw`)."""
        return f"{'-' if self.form == 'party' else '/'}{self.series}".casefold()


def series_of(text: str, type_codes: Iterable[str]) -> Series | None:
    """The numbering series of a number and symbol, or None when it follows none of the known forms."""
    parsed = parse_symbol(text, type_codes)
    if parsed is None:
        return None
    number = int(_LEADING.match(parsed.number)[0])
    if parsed.form == "party":
        return Series(number, f"{parsed.type_code}/{parsed.issuer}", f"party:{parsed.issuer}", "party")
    if parsed.form == "letter":
        return Series(number, parsed.issuer, f"state:{parsed.issuer.split('-', 1)[0]}", "letter")
    if parsed.year:
        return Series(number, f"{parsed.year}/{parsed.type_code}-{parsed.issuer}",
                      f"legal:{parsed.year}:{parsed.issuer}", "legal")
    return Series(number, f"{parsed.type_code}-{parsed.issuer}", f"state:{parsed.issuer}", "state")


def sequence_of(key: str, doc_type: str) -> str:
    """The sequence (case-folded) of a series key as `SERIES_KEY_SQL` gives it, for a document of `doc_type`: what
    `series_of(...).sequence` is, from the key alone (the engine groups by key in SQL, then maps keys here)."""
    body = key[1:]
    if key.startswith("-"):
        return f"party:{body.split('/', 1)[1] if '/' in body else body}"
    if len(body) > 5 and body[:4].isdigit() and body[4] == "/":
        rest = body[5:]
        return f"legal:{body[:4]}:{rest.split('-', 1)[1] if '-' in rest else rest}"
    head, _sep, tail = body.partition("-")
    if head == doc_type.casefold():
        return f"state:{tail}"
    return f"state:{head}"


def written_series(number: str) -> str:
    """The series as written in a number (`123/QĐ-UBND` gives `QĐ-UBND`, `12a-NQ/TU` gives `NQ/TU`)."""
    i = len(number) - len(number.lstrip("0123456789"))
    if i < len(number) and number[i] not in "/-":
        i += 1
    return number[i + 1:]


def series_key(number_key: str | None, needs_review: bool) -> tuple[str | None, int | None]:
    """(series key, number) of a stored row, as `SERIES_KEY_SQL` and `SERIES_NUMBER_SQL` compute them (the signals'
    portable path, where the database is not PostgreSQL): (None, None) for a symbol that follows no form or a number
    of more than six digits."""
    key = number_key or ""
    rest = key.lstrip("0123456789")
    digits = len(key) - len(rest)
    if needs_review or not 1 <= digits <= 6:
        return None, None
    return (rest if rest[:1] in ("/", "-") else rest[1:]), int(key[:digits])


# The same key in PostgreSQL over a row aliased `d` of documents_document: the number key without its leading digits
# (and the letter after them, `12a`), NULL for a symbol that follows no form (`needs_review`) or a number of more than
# six digits. Digits are ASCII, so byte lengths give the number's length without decoding the text.
_REST = "ltrim(d.number_key, '0123456789')"
_DIGITS = f"(octet_length(d.number_key) - octet_length({_REST}))"
SERIES_KEY_SQL = (f"CASE WHEN d.needs_review OR NOT {_DIGITS} BETWEEN 1 AND 6 THEN NULL "
                  f"WHEN left({_REST}, 1) IN ('/', '-') THEN {_REST} ELSE substr({_REST}, 2) END")
SERIES_NUMBER_SQL = (f"CASE WHEN NOT d.needs_review AND {_DIGITS} BETWEEN 1 AND 6 "
                     f"THEN substr(d.number_key, 1, {_DIGITS})::int END")
