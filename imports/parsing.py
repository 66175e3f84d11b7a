"""Streaming readers of uploaded CSV and XLSX files: rows come one at a time, never the whole file.

CSV: UTF-8 (with or without BOM), `,` `;` or tab separated, read by `csv.reader` over a text stream.
XLSX: before openpyxl opens it, the archive is checked for bombs: its declared uncompressed size, the ratio of
each member's uncompressed to compressed size, and the sheets' cells (a fast scan of their XML counting cells per
row and in all), so a 570 KB file holding one row of 20 million cells is refused in a second instead of taking a
worker to 9 GB. Then openpyxl in read-only mode streams the first sheet, only as many columns as the header has.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from .columns import Schema, fold

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class FileRefused(Exception):
    """The whole file cannot be read; the message tells the officer why and what to do."""

    def __init__(self, message: str, *, line: int | None = None, column: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class RowSource:
    """The matched header and an iterator of (line number, cells in column order)."""

    columns: list[str | None]  # column name per position (None: ignored)
    rows: Iterator[tuple[int, list[Any]]]
    estimated_rows: int
    unknown_headers: list[str] = field(default_factory=list)


def detect_format(head: bytes, file_name: str) -> str:
    name = file_name.lower()
    if head.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise FileRefused(_("The old Excel format (.xls) is not supported: save the file as .xlsx or as CSV UTF-8."))
    if name.endswith((".xlsx", ".xlsm")):
        if not head.startswith(XLSX_MAGIC):
            raise FileRefused(_("The file is not a valid XLSX workbook (it may be damaged, or renamed from another format)."))
        return "xlsx"
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if b"\x00" in head:
        raise FileRefused(_("The file is not a CSV file (it contains binary data). Upload a CSV (UTF-8) or an XLSX file."))
    return "csv"


@dataclass(frozen=True)
class XlsxLimits:
    """What an XLSX upload may unpack to: bytes in all, the uncompressed/compressed ratio of any large member,
    cells in one row and cells in all."""

    max_uncompressed: int
    max_ratio: int = 100
    max_cells_per_row: int = 200
    max_cells: int = 60_000_000


# A cell or a row opening tag of SpreadsheetML, with or without a namespace prefix.
_CELL_OR_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]")
_RATIO_FROM_BYTES = 1024 * 1024  # small members (styles, a short sheet) may compress very well: no ratio check


def open_rows(stream: IO[bytes], file_name: str, schema: Schema, *, max_rows: int, max_xlsx_uncompressed: int,
              size: int, xlsx_limits: XlsxLimits | None = None) -> RowSource:
    head = stream.read(8192)
    stream.seek(0)
    if not head:
        raise FileRefused(_("The file is empty."))
    if detect_format(head, file_name) == "xlsx":
        header, rows, estimate = _xlsx_rows(stream, xlsx_limits or XlsxLimits(max_uncompressed=max_xlsx_uncompressed))
    else:
        header, rows, estimate = _csv_rows(stream, head, size)
    columns, unknown, missing = schema.match_header(header)
    if not any(columns):
        raise FileRefused(
            _("The first row is not a header this upload knows. Expected the columns: %(columns)s.")
            % {"columns": ", ".join(column.label for column in schema.columns)}, line=1,
        )
    if missing:
        raise FileRefused(_("Required columns are missing: %(columns)s.") % {
            "columns": ", ".join(schema.by_name[name].label for name in missing)}, line=1)
    return RowSource(columns=columns, rows=_limited(_skip_label_row(rows, columns, schema), max_rows),
                     estimated_rows=estimate, unknown_headers=unknown)


def _skip_label_row(rows: Iterator[tuple[int, list[Any]]], columns: list[str | None], schema: Schema):
    """Templates carry a second header row of human labels under the API names: skip it if present."""
    first = next(rows, None)
    if first is None:
        return
    line, cells = first
    filled = [(i, cell) for i, cell in enumerate(cells) if cell not in (None, "")]
    is_label_row = len(filled) >= 2 and all(
        i < len(columns) and columns[i] and schema.header_keys.get(fold(str(cell))) == columns[i] for i, cell in filled
    )
    if not is_label_row:
        yield first
    yield from rows


def _limited(rows: Iterator[tuple[int, list[Any]]], max_rows: int):
    count = 0
    for row in rows:
        count += 1
        if count > max_rows:
            raise FileRefused(_("The file has more than %(max)s rows; split it into smaller files.") % {"max": max_rows})
        yield row


def _sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _csv_rows(stream: IO[bytes], head: bytes, size: int):
    try:
        # Only the start is checked here; a bad byte later is caught while streaming.
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise _encoding_error(head[: error.start].count(b"\n") + 1) from None
    lines = _count_lines(stream)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    first_line = head.decode("utf-8-sig", errors="ignore").splitlines()[0] if head.strip() else ""
    reader = csv.reader(text, delimiter=_sniff_delimiter(first_line), strict=False)
    try:
        header = next(reader)
    except UnicodeDecodeError:
        raise _encoding_error(1) from None
    except csv.Error as error:
        raise FileRefused(_("The file is not a readable CSV file: %(error)s") % {"error": error}) from None
    return header, _csv_iter(reader, stream), max(1, lines - 1)


def _count_lines(stream: IO[bytes]) -> int:
    """Newlines in the file (a fast pass in C over 1 MB blocks), for the progress bar; the position is kept."""
    position = stream.tell()
    stream.seek(0)
    lines = 0
    last = b""
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
        last = block
    stream.seek(position)
    return max(1, lines + (0 if last.endswith(b"\n") else 1))


def _encoding_error(line: int) -> FileRefused:
    return FileRefused(
        _("The file is not encoded in UTF-8 (the first bad character is on line %(line)s). In Excel choose "
          "“Save as… CSV UTF-8”, or upload the XLSX file.") % {"line": line}, line=line,
    )


def _first_bad_line(stream: IO[bytes]) -> int:
    """The exact line of the first byte that is not UTF-8 (a rescan, only once the file is refused)."""
    stream.seek(0)
    for number, raw in enumerate(stream, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 0


def _csv_iter(reader, stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    previous = reader.line_num
    try:
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if cells and any(cells):
                yield line, cells
    except UnicodeDecodeError:
        raise _encoding_error(_first_bad_line(stream) or previous + 1) from None
    except csv.Error as error:
        raise FileRefused(_("Line %(line)s is not valid CSV: %(error)s") % {"line": previous + 1, "error": error},
                          line=previous + 1) from None


def _refuse_bomb(message: str) -> FileRefused:
    return FileRefused(message + " " + _("Split the file, or upload it as CSV."))


def _scan_cells(member: IO[bytes], limits: XlsxLimits) -> None:
    """Count the cells of a sheet's XML as it unpacks, without building them: refuse a row wider than
    `max_cells_per_row` or more than `max_cells` in all as soon as it is seen."""
    in_row = total = 0
    carry = b""
    while True:
        chunk = member.read(1 << 20)
        data = carry + chunk
        # Keep the end of the buffer for the next read (a tag may be cut there), unless this is the last read.
        limit = len(data) - 64 if chunk else len(data)
        for match in _CELL_OR_ROW.finditer(data, 0, max(limit, 0)):
            if match.group(1) == b"row":
                in_row = 0
                continue
            in_row += 1
            total += 1
            if in_row > limits.max_cells_per_row:
                raise _refuse_bomb(_("A row of the workbook has more than %(max)s cells.")
                                   % {"max": limits.max_cells_per_row})
            if total > limits.max_cells:
                raise _refuse_bomb(_("The workbook has more than %(max)s cells.") % {"max": limits.max_cells})
        if not chunk:
            return
        carry = data[max(limit, 0):]


def _check_archive(stream: IO[bytes], limits: XlsxLimits) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in archive.namelist():
                raise FileRefused(_("The file is not a valid XLSX workbook (no workbook inside the archive)."))
            declared = sum(info.file_size for info in members)
            if declared > limits.max_uncompressed:
                raise _refuse_bomb(
                    _("The workbook unpacks to %(size)s MB, more than the %(max)s MB allowed.")
                    % {"size": declared // (1024 * 1024), "max": limits.max_uncompressed // (1024 * 1024)})
            for info in members:
                if info.file_size >= _RATIO_FROM_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                    raise _refuse_bomb(
                        _("The workbook unpacks to more than %(ratio)s times its size (%(member)s), which no "
                          "register needs.") % {"ratio": limits.max_ratio, "member": info.filename})
            for info in members:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as member:
                        _scan_cells(member, limits)
    except zipfile.BadZipFile:
        raise FileRefused(_("The file is not a valid XLSX workbook (it may be damaged, or renamed from another format).")) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise FileRefused(_("The XLSX workbook cannot be read: %(error)s") % {"error": error.__class__.__name__}) from None


def _xlsx_rows(stream: IO[bytes], limits: XlsxLimits):
    from openpyxl import load_workbook

    _check_archive(stream, limits)
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        header = list(next(sheet.iter_rows(max_row=1, max_col=limits.max_cells_per_row, values_only=True), ()) or ())
        while header and header[-1] in (None, ""):
            header.pop()
        # Only the header's columns: cells beyond them are never built.
        rows = sheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise FileRefused(_("The XLSX workbook cannot be read: %(error)s") % {"error": error.__class__.__name__}) from None
    estimate = max(1, (sheet.max_row or 2) - 1)
    return header, _xlsx_iter(rows, workbook), estimate


def _xlsx_iter(rows, workbook) -> Iterator[tuple[int, list[Any]]]:
    line = 1
    try:
        for cells in rows:
            line += 1
            if any(cell is not None and cell != "" for cell in cells):
                yield line, list(cells)
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001
        raise FileRefused(_("The XLSX workbook cannot be read after line %(line)s: %(error)s")
                          % {"line": line, "error": error.__class__.__name__}, line=line) from None
    finally:
        workbook.close()
