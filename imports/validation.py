"""Row validation of an upload: cells converted by the model fields' rules, then the registers' pure rules.

Everything here needs no database per row. What needs the database for the whole file at once (unit
codes and scope, duplicates inside the file, approved periods, the upsert) is the loaders' job
(`imports.loaders`), set-based.
"""
from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from documents.models import DocumentType
from documents.rules import digitization_report_rules, document_rules
from documents.symbols import ParsedSymbol, parse_symbol
from meetings.rules import conference_rules, normalize_exception_ref
from reform.dates import UnitEnd, earliest_record_date
from reform.lineage import unit_ends

from .choices import ImportKind
from .columns import CellError, Schema

# The fields of a staging row, in order, after the line number (`unit_code` stands for the unit).
STAGING_FIELDS: dict[str, list[str]] = {
    ImportKind.DOCUMENTS: ["unit_code", "number", "number_key", "doc_type", "title", "issued_on", "year",
                           "is_digitized", "sent_electronically", "needs_review"],
    ImportKind.CONFERENCES: ["unit_code", "title", "held_on", "duration_days", "format", "category", "scope",
                             "is_regular_session", "exception_approved", "exception_ref", "reheld_after_online",
                             "budget_allocated", "budget_spent", "opening_speech_min", "closing_speeches_min",
                             "longest_presentation_min", "participants"],
    ImportKind.DIGITIZATION_REPORTS: ["unit_code", "year", "quarter", "procedures_total", "procedures_digital"],
}
# The natural key of each register (the unit given by its code in the file), in the column order of its
# unique constraint where it has one: the PostgreSQL upsert writes rows sorted by it, in index order.
# A document's number is compared by its key (`456/qđ-ubnd` is `456/QĐ-UBND`), in the file and in the table.
NATURAL_KEYS: dict[str, list[str]] = {
    ImportKind.DOCUMENTS: ["unit_code", "year", "number_key"],
    ImportKind.CONFERENCES: ["unit_code", "held_on", "title"],
    ImportKind.DIGITIZATION_REPORTS: ["unit_code", "year", "quarter"],
}
# The column an error on the natural key is reported on.
KEY_COLUMN = {ImportKind.DOCUMENTS: "number", ImportKind.CONFERENCES: "title", ImportKind.DIGITIZATION_REPORTS: "quarter"}


class ErrorSink:
    """Collects (line, column, message): counts them, keeps the first few, spools all to a temporary file."""

    def __init__(self, keep: int = 500):
        self.keep = keep
        self.count = 0
        self.first: list[dict[str, Any]] = []
        self._file = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)

    def add(self, line: int | None, column: str, message: Any) -> None:
        self.count += 1
        message = str(message)
        if len(self.first) < self.keep:
            self.first.append({"line": line, "column": column, "message": message})
        self._writer.writerow((line if line is not None else "", column, message))

    def __iter__(self) -> Iterator[tuple[int | None, str, str]]:
        self._file.flush()
        self._file.seek(0)
        for line, column, message in csv.reader(self._file):
            yield (int(line) if line else None), column, message
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


_SYMBOL_TAIL = re.compile(r"^(\d+[A-Za-z]?)([/-].*)$")


class TailMemoParser:
    """`parse_symbol` memoized on what follows the number: `12/QĐ-UBND` and `13/QĐ-UBND` parse alike.

    Both symbol forms start with the number (`\\d+[A-Za-z]?`) followed by `/` or `-`, so the form,
    type, issuer and year depend only on the rest. The `number` of a cached result is that of the first
    symbol seen with the same tail: the rules read only the type and the year.
    """

    def __init__(self, limit: int = 20000):
        self.cache: dict[str, ParsedSymbol | None] = {}
        self.limit = limit

    def __call__(self, text: str, type_codes: Iterable[str]) -> ParsedSymbol | None:
        match = _SYMBOL_TAIL.match(text)
        if match is None:
            return parse_symbol(text, type_codes)
        tail = match[2]
        try:
            return self.cache[tail]
        except KeyError:
            parsed = parse_symbol(text, type_codes)
            if len(self.cache) < self.limit:
                self.cache[tail] = parsed
            return parsed


class RowValidator:
    """Turns (line, cells) into a staging tuple `(line, *STAGING_FIELDS[kind])`, reporting bad cells to the sink.

    A bad row still gives a tuple (bad values are None) so that the set-based checks can report its
    other problems too; `self.bad_rows` counts the rows with an error.
    """

    def __init__(self, schema: Schema, columns: list[str | None], sink: ErrorSink, *, today: datetime.date):
        self.kind = schema.kind
        self.sink = sink
        self.today = today
        self.bad_rows = 0
        fields = STAGING_FIELDS[self.kind]
        self.index = {name: i + 1 for i, name in enumerate(fields)}
        self.template: list[Any] = [None] * (len(fields) + 1)
        present = set()
        # (position in the file, the column's bound `convert`, index in the staging tuple, column name)
        self.plan: list[tuple[int, Any, int, str]] = []
        for position, name in enumerate(columns):
            if name is not None:
                self.plan.append((position, schema.by_name[name].convert, self.index[name], name))
                present.add(name)
        self.width = max((position for position, *_rest in self.plan), default=-1) + 1
        for column in schema.columns:
            if column.name not in present and column.name in self.index:
                self.template[self.index[column.name]] = column.default
        self.check = getattr(self, f"_check_{self.kind.replace('-', '_')}")
        self.i_unit = self.index["unit_code"]
        # Legacy units' ends, read here for the whole file (rows may be validated on another thread, without
        # this transaction's connection): never a query per row.
        self.ends: dict[str, UnitEnd] = unit_ends()
        self.earliest = earliest_record_date()  # a setting, read once rather than per row
        if self.kind == ImportKind.DOCUMENTS:
            self.type_codes = tuple(DocumentType.objects.values_list("code", flat=True))
            self.type_set = frozenset(self.type_codes)
            self.parse = TailMemoParser()
            self.document_indexes = tuple(self.index[name] for name in (
                "number", "number_key", "doc_type", "issued_on", "year", "needs_review"))

    def __call__(self, line: int, cells: list[Any]) -> tuple:
        out = self.template.copy()
        out[0] = line
        errors = 0
        if len(cells) < self.width:  # a short row: the missing cells are empty
            cells = [*cells, *[None] * (self.width - len(cells))]
        for position, convert, index, name in self.plan:
            try:
                out[index] = convert(cells[position])
            except CellError as error:
                self.sink.add(line, name, error.args[0])
                errors += 1
        errors += self.check(line, out, self._end(out[self.i_unit]))
        if errors:
            self.bad_rows += 1
        return tuple(out)

    def _end(self, code: str | None) -> UnitEnd | None:
        """The end of the row's unit if it is a legacy unit, else None."""
        return self.ends.get(code) if code else None

    def _report(self, line: int, errors: dict[str, list]) -> int:
        for field, messages in errors.items():
            for message in messages:
                self.sink.add(line, field, message)
        return len(errors)

    def _check_documents(self, line: int, out: list[Any], end: UnitEnd | None) -> int:
        i_number, i_key, i_type, i_date, i_year, i_review = self.document_indexes
        number, doc_type, issued_on = out[i_number], out[i_type], out[i_date]
        errors = 0
        if doc_type is not None and doc_type not in self.type_set:
            self.sink.add(line, "doc_type", _("Unknown document type “%(code)s”.") % {"code": doc_type})
            doc_type = out[i_type] = None
            errors += 1
        if number is None:
            return errors
        rule_errors, facts = document_rules(
            number=number, doc_type=doc_type, issued_on=issued_on, type_codes=self.type_codes, today=self.today,
            parse=self.parse, unit_end=end, earliest=self.earliest,
        )
        out[i_number] = facts.number
        out[i_key] = facts.number_key
        out[i_year] = facts.year
        out[i_review] = facts.needs_review
        if facts.doc_type is None and not errors:
            self.sink.add(line, "doc_type", _("Give the document type: the symbol does not show it."))
            errors += 1
        out[i_type] = facts.doc_type
        if rule_errors:
            errors += self._report(line, rule_errors)
        return errors

    def _check_conferences(self, line: int, out: list[Any], end: UnitEnd | None) -> int:
        i = self.index
        out[i["exception_ref"]] = normalize_exception_ref(out[i["exception_ref"]])
        return self._report(line, conference_rules(
            held_on=out[i["held_on"]], duration_days=out[i["duration_days"]],
            exception_approved=bool(out[i["exception_approved"]]), exception_ref=out[i["exception_ref"]],
            today=self.today, unit_end=end, earliest=self.earliest,
        ))

    def _check_digitization_reports(self, line: int, out: list[Any], end: UnitEnd | None) -> int:
        i = self.index
        return self._report(line, digitization_report_rules(
            year=out[i["year"]], quarter=out[i["quarter"]], procedures_total=out[i["procedures_total"]],
            procedures_digital=out[i["procedures_digital"]], today=self.today, unit_end=end, earliest=self.earliest,
        ))
