"""The XLSX report's sheet names fit Excel's 31 characters by cutting at a word, never inside one."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from reports import services
from reports.exports.xlsx import SHEET_NAME_MAX, sheet_name
from reports.periods import ReportingPeriod
from tests.reports.test_exports import figures  # noqa: F401 - fixture

from .conftest import YEAR


@pytest.mark.parametrize(("title", "name"), [
    ("Tổng hợp", "Tổng hợp"),
    ("2.3 Công nghệ thông tin và chuyển đổi số", "2.3 Công nghệ thông tin và…"),
    ("2.3 IT and digital transformation", "2.3 IT and digital…"),
    ("Báo cáo tổng hợp kết quả thực hiện, năm 2026", "Báo cáo tổng hợp kết quả thực…"),  # no comma before the cut
    ("a" * 40, "a" * 30 + "…"),  # one word longer than a name: cut it, there is no other place
    ("Quý 3: 01/07 – 30/09 [tạm tính]?", "Quý 3 01 07 – 30 09 tạm tính"),  # characters Excel refuses
    ("x" * 31, "x" * 31),
])
def test_a_sheet_name_is_cut_at_a_word_and_holds_no_character_excel_refuses(title, name):
    assert sheet_name(title) == name and len(name) <= SHEET_NAME_MAX


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_sheet_of_the_report_is_named_by_whole_words(figures, tree, reviewer, language,  # noqa: F811
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=reviewer, unit=tree["01"], period=ReportingPeriod.parse(f"{YEAR}-M9"),
                                         format="xlsx", language=language)
    export.refresh_from_db()
    book = openpyxl.load_workbook(io.BytesIO(export.file.read()))
    for sheet in book.worksheets:
        assert len(sheet.title) <= SHEET_NAME_MAX
        # each word of a cut name is a whole word of the sheet's own title, in its first cell
        heading = str(sheet["A1"].value or "") if sheet.title.endswith("…") else sheet.title
        assert set(words(sheet.title.rstrip("…"))) <= set(words(heading)), (sheet.title, heading)
    assert {"vi": "2.3 Công nghệ thông tin và…", "en": "2.3 IT and digital…"}[language] in book.sheetnames


def words(text: str) -> list[str]:
    return re.findall(r"\w+(?:\.\w+)*", text)
