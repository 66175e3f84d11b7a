"""Pure validation rules of the documents registers: plain values in, `{field: [messages]}` out.

One set of rules for forms, API and bulk uploads: `Document.clean` and `DigitizationReport.clean`
call these, and so does the importer (row by row, with no database access per row).
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from reform.dates import UnitEnd, after_end, quarter_after_end, too_early, year_too_early

from .symbols import ParsedSymbol, normalize, normalized_number_key, parse_symbol

Errors = dict[str, list[str]]


def normalize_number(text: str) -> str:
    """`symbols.normalize`, skipped when it would change nothing (bulk uploads call this per row).

    `normalize` only touches whitespace, combining marks (a D with a combining stroke) and non-NFC
    text: a text in NFC with neither whitespace nor combining diacritics is returned as it is.
    """
    if text and _NEEDS_NORMALIZING.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text
    return normalize(text)


_NEEDS_NORMALIZING = re.compile(r"[\s\u0300-\u036f]")


class DocumentFacts(NamedTuple):
    """What the rules derive from a document's values (stored with it); a named tuple, half the cost of a frozen
    dataclass to build (a bulk upload builds one per row)."""

    number: str  # normalized
    number_key: str  # what uniqueness compares (`symbols.number_key`)
    doc_type: str | None  # the chosen type, or the one the symbol implies when none was chosen
    year: int | None
    needs_review: bool  # the symbol follows none of the known forms


def document_rules(
    *,
    number: str,
    doc_type: str | None,
    issued_on: datetime.date | None,
    type_codes: Iterable[str],
    today: datetime.date,
    parse: Callable[[str, Iterable[str]], ParsedSymbol | None] = parse_symbol,
    unit_end: UnitEnd | None = None,
    earliest: datetime.date | None = None,
) -> tuple[Errors, DocumentFacts]:
    """Check a document's number and symbol against its type and issue date.

    `parse` defaults to `symbols.parse_symbol`; a bulk upload may pass a memoizing wrapper of it. `unit_end` is
    the unit's end when it is a legacy unit (`reform.lineage`): no document after it. `earliest`: the earliest
    record date (`reform.dates.earliest_record_date`, read from the settings when not given; a bulk upload
    reads it once).
    """
    errors: Errors = {}
    number = normalize_number(number)
    year = issued_on.year if issued_on else None
    if issued_on and issued_on > today:
        errors.setdefault("issued_on", []).append(_("The issue date cannot be in the future."))
    if early := too_early(issued_on, earliest):
        errors.setdefault("issued_on", []).append(early)
    if ended := after_end(issued_on, unit_end):
        errors.setdefault("issued_on", []).append(ended)
    parsed = parse(number, type_codes)
    if parsed is not None:
        if not doc_type:
            doc_type = parsed.implied_type
        elif parsed.implied_type != doc_type:
            errors.setdefault("number", []).append(
                _("The symbol “%(number)s” is of type %(found)s, not the chosen type %(chosen)s.")
                % {"number": number, "found": parsed.implied_type, "chosen": doc_type}
            )
        if parsed.year and issued_on and parsed.year != issued_on.year:
            errors.setdefault("number", []).append(
                _("The symbol carries the year %(symbol_year)s but the document was issued in %(year)s.")
                % {"symbol_year": parsed.year, "year": issued_on.year}
            )
    return errors, DocumentFacts(number=number, number_key=normalized_number_key(number), doc_type=doc_type or None,
                                 year=year, needs_review=parsed is None)


def digitization_report_rules(
    *, year: int | None, quarter: int | None, procedures_total: int | None, procedures_digital: int | None,
    today: datetime.date, unit_end: UnitEnd | None = None, earliest: datetime.date | None = None,
) -> Errors:
    """Digital procedures cannot exceed the total; a quarter that has not started, or that starts after a legacy
    unit's end, cannot be reported. `earliest`: as in `document_rules`."""
    errors: Errors = {}
    if early := year_too_early(year, earliest):
        errors["year"] = [early]
    if procedures_total is not None and procedures_digital is not None and procedures_digital > procedures_total:
        errors["procedures_digital"] = [
            _("Digitally handled procedures (%(digital)s) cannot exceed the total (%(total)s).")
            % {"digital": procedures_digital, "total": procedures_total}
        ]
    # A year outside the calendar's range is refused by the field's own bounds; no date can be built for it here.
    if year and quarter in (1, 2, 3, 4) and datetime.MINYEAR <= year <= datetime.MAXYEAR:
        starts = datetime.date(year, 3 * quarter - 2, 1)
        if starts > today:
            errors["quarter"] = [_("This quarter has not started yet.")]
    if ended := quarter_after_end(year, quarter, unit_end):
        errors.setdefault(ended[0], []).append(ended[1])
    return errors
