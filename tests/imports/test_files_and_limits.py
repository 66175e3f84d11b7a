"""Files that cannot be read, or are too big, are refused as a whole with a clear message."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from documents.models import Document
from imports import services

from .conftest import DOC_HEADER as DOC_HEADER_NAMES
from .conftest import csv_bytes, doc_rows, upload


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_an_oversized_file_is_refused_before_it_is_stored(officer_hn, settings):
    settings.IMPORTS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        services.import_create(user=officer_hn, kind="documents",
                               upload=SimpleUploadedFile("big.csv", csv_bytes(doc_rows(100))))
    assert "file" in caught.value.message_dict and "MB" in caught.value.message_dict["file"][0]


def test_more_rows_than_allowed_are_refused(officer_hn, settings):
    settings.IMPORTS_MAX_ROWS = 50
    batch = upload(officer_hn, csv_bytes(doc_rows(51)))
    assert batch.status == "failed" and "50" in batch.message and Document.objects.count() == 0


def test_a_binary_file_is_not_a_csv(officer_hn):
    batch = upload(officer_hn, b"%PDF-1.7\n\x00\x01\x02binary" * 10, name="register.csv")
    assert batch.status == "failed" and "not a CSV" in batch.message


def test_a_text_file_without_a_known_header_is_refused(officer_hn):
    batch = upload(officer_hn, "Hello,this\nis,not a register\n".encode(), name="notes.csv")
    assert batch.status == "failed" and "header" in batch.message and "Unit code" in batch.message


def test_a_broken_xlsx_is_refused(officer_hn):
    workbook = Workbook()
    workbook.active.append(["unit_code"])
    out = io.BytesIO()
    workbook.save(out)
    truncated = out.getvalue()[: len(out.getvalue()) // 2]
    batch = upload(officer_hn, truncated, name="register.xlsx")
    assert batch.status == "failed" and "XLSX" in batch.message
    renamed = upload(officer_hn, b"just some text, renamed", name="register.xlsx")
    assert renamed.status == "failed" and "XLSX" in renamed.message


def test_an_old_binary_xls_is_refused_with_advice(officer_hn):
    batch = upload(officer_hn, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="register.xls")
    assert batch.status == "failed" and ".xlsx" in batch.message


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_a_file_not_in_utf8_is_refused_with_the_line(officer_hn, encoding):
    # cp1258 writes Vietnamese with combining tone marks (ê + U+0301), as old Windows tools save it.
    title = "Quy\u00ea\u0301t \u0111i\u0323nh {i}" if encoding == "cp1258" else "Décision numéro {i}"
    rows = [["01", f"{i}/KH-UBND", "KH", title.format(i=i), "2025-01-02", "1", "1"] for i in range(1, 4)]
    data = csv_bytes(rows, encoding=encoding)
    assert data.decode(encoding) and not _is_utf8(data)
    batch = upload(officer_hn, data)
    assert batch.status == "failed" and "UTF-8" in batch.message
    assert Document.objects.count() == 0


def test_a_bad_byte_far_into_a_large_file_is_refused_and_nothing_is_written(officer_hn):
    good = csv_bytes(doc_rows(3000))
    bad = "\n01,3001/KH-UBND,KH,Décision,2025-01-01,1,1\n".encode("latin-1")
    batch = upload(officer_hn, good.rstrip(b"\r\n") + bad)
    assert batch.status == "failed" and "UTF-8" in batch.message and "3002" in batch.message
    assert Document.objects.count() == 0


def test_a_zip_bomb_is_refused_before_it_is_opened(officer_hn, settings):
    settings.IMPORTS_MAX_XLSX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    assert len(out.getvalue()) < 200 * 1024  # 50 MB of zeros squeezed into a few kilobytes
    batch = upload(officer_hn, out.getvalue(), name="bomb.xlsx")
    assert batch.status == "failed" and "MB" in batch.message and "10" in batch.message


def _workbook_with_sheet(sheet_xml: bytes) -> bytes:
    """A minimal XLSX whose first sheet is `sheet_xml` (what a crafted file holds; openpyxl would open it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        source = io.BytesIO()
        Workbook().save(source)
        with zipfile.ZipFile(source) as template:
            for info in template.infolist():
                data = template.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = sheet_xml
                archive.writestr(info.filename, data)
    return out.getvalue()


def _sheet(rows: list[bytes]) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + b"".join(rows) + b"</sheetData></worksheet>")


def _cells(n: int) -> bytes:
    return b'<c t="inlineStr"><is><t>x</t></is></c>' * n


def test_a_row_of_millions_of_cells_is_refused_at_once_without_building_it(officer_hn):
    """A 570 KB file holding one row of 20 million cells ran 196 s and took the worker to 9 GB."""
    data = _workbook_with_sheet(_sheet([b'<row r="1">' + _cells(2_000_000) + b"</row>"]))
    assert len(data) < 1024 * 1024
    batch = upload(officer_hn, data, name="wide.xlsx")
    assert batch.status == "failed" and Document.objects.count() == 0
    assert "times its size" in batch.message or "200" in batch.message, batch.message


def test_a_wide_row_that_compresses_modestly_is_refused_by_the_cell_scan(officer_hn, settings):
    settings.IMPORTS_XLSX_MAX_RATIO = 10_000  # only the cell count stands in the way
    header = b'<row r="1">' + b"".join(f'<c r="{c}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode()
                                       for c, name in zip("ABCDEFG", DOC_HEADER_NAMES)) + b"</row>"
    data = _workbook_with_sheet(_sheet([header, b'<row r="2">' + _cells(500) + b"</row>"]))
    batch = upload(officer_hn, data, name="wide.xlsx")
    assert batch.status == "failed" and "200" in batch.message, batch.message


def test_more_cells_in_all_than_allowed_are_refused(officer_hn, settings):
    settings.IMPORTS_XLSX_MAX_CELLS = 50
    rows = [f'<row r="{i}">'.encode() + _cells(7) + b"</row>" for i in range(1, 12)]
    batch = upload(officer_hn, _workbook_with_sheet(_sheet(rows)), name="many.xlsx")
    assert batch.status == "failed" and "50" in batch.message, batch.message


def test_a_member_that_unpacks_to_hundreds_of_times_its_size_is_refused(officer_hn, settings):
    settings.IMPORTS_MAX_XLSX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3
    data = _workbook_with_sheet(_sheet([b"<!--" + b" " * (30 * 1024 * 1024) + b"-->"]))
    batch = upload(officer_hn, data, name="padded.xlsx")
    assert batch.status == "failed" and "times its size" in batch.message, batch.message


def test_cells_beyond_the_header_are_ignored_and_a_normal_workbook_loads(officer_hn, tree):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(DOC_HEADER_NAMES)
    sheet.append(["01", "5/QĐ-UBND", "QĐ", "Quyết định", "2025-03-05", "1", "1", None, None, "extra"])
    out = io.BytesIO()
    workbook.save(out)
    batch = upload(officer_hn, out.getvalue(), name="ok.xlsx")
    assert batch.status == "succeeded", (batch.message, batch.errors)
    assert Document.objects.filter(number="5/QĐ-UBND").exists()
