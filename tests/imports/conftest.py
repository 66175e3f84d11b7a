"""Helpers of the upload tests: build files in memory and run them through the service like the task does."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services

DOC_HEADER = ["unit_code", "number", "doc_type", "title", "issued_on", "is_digitized", "sent_electronically"]


def csv_bytes(rows, header=DOC_HEADER, *, bom=False, encoding="utf-8", delimiter=",") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def doc_rows(n, *, unit="01", start=1, year=2025, title="Quyết định về việc {i}"):
    return [
        [unit, f"{i}/QĐ-UBND", "QĐ", title.format(i=i), f"{year}-03-{(i % 28) + 1:02d}", "true", "1"]
        for i in range(start, start + n)
    ]


def upload(user, data: bytes, *, kind="documents", name="register.csv", force_orm=False):
    """Accept the file and run it in-process (what the Celery task does), returning the refreshed batch."""
    batch = services.import_create(user=user, kind=kind, upload=SimpleUploadedFile(name, data), language="en")
    services.import_run(batch_id=batch.pk, force_orm=force_orm)
    batch.refresh_from_db()
    return batch


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "en"
