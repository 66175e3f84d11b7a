"""The columns of each upload kind: API field names (SPEC 7), their labels, aliases and converters.

Types, lengths, ranges and choices come from the model fields themselves (one set of rules): a column
is built from `Model._meta.get_field(name)`; only the labels and the Vietnamese aliases are data here.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from documents.models import DigitizationReport, Document
from meetings.models import Conference

from .choices import ImportKind


class CellError(ValueError):
    """A cell that cannot be converted; the message is shown to the officer."""


def fold(text: str) -> str:
    """Header/choice matching key: no diacritics (đ → d), lower case, single spaces, no punctuation."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


TRUE_WORDS = {"true", "1", "yes", "y", "co", "x", "dung"}
FALSE_WORDS = {"false", "0", "no", "n", "khong", "sai"}
# Exact spellings first (fast path), then the folded form for anything else.
_BOOL_FAST = {
    "true": True, "True": True, "TRUE": True, "1": True, "yes": True, "Yes": True, "có": True, "Có": True,
    "false": False, "False": False, "FALSE": False, "0": False, "no": False, "No": False, "không": False,
    "Không": False,
}

# Vietnamese names of choice values, as officers write them in their spreadsheets.
CHOICE_ALIASES = {
    "format": {"truc tiep": "in_person", "truc tuyen": "online", "ket hop": "hybrid", "truc tiep ket hop truc tuyen": "hybrid"},
    "category": {"pho bien": "dissemination", "quan triet": "dissemination", "pho bien quan triet": "dissemination",
                 "chuyen mon": "professional", "chuyen mon nghiep vu": "professional", "quan trong": "important"},
    "scope": {"toan the lanh dao": "all_leaders", "toan tinh": "all_leaders", "toan xa": "all_leaders",
              "chuyen de": "specialized", "chuyen nganh": "specialized", "noi bo": "internal"},
    "quarter": {f"{prefix}{q}": q for q in (1, 2, 3, 4) for prefix in ("q", "quy ", "q ", "quarter ")},
}


@dataclass(frozen=True)
class ColumnLabel:
    name: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass
class Column:
    """One column of an upload: converts a raw cell (str from CSV; str/number/date/bool from XLSX)."""

    name: str  # API field name (the machine header)
    model_field: str  # the model field it fills ("unit" for unit_code)
    vi: str
    en: str
    aliases: tuple[str, ...]
    kind: str  # "code", "str", "text", "int", "decimal", "date", "bool", "choice"
    required: bool
    default: Any = None
    max_length: int | None = None
    choices: dict[str, str] = field(default_factory=dict)
    field: models.Field | None = None

    def __post_init__(self) -> None:
        self._typed = getattr(self, f"_to_{self.kind}")

    @property
    def label(self) -> str:
        """The column as the reader's language names it (its API name is for machines)."""
        return self.vi if (translation.get_language() or "vi").startswith("vi") else self.en

    def convert(self, raw: Any) -> Any:
        """The typed value, `self.default` for an empty optional cell; raises CellError."""
        if raw is None or (raw.__class__ is str and not (raw := raw.strip())):
            if self.required:
                raise CellError(_("This field is required."))
            return self.default
        return self._typed(raw)

    def _to_str(self, raw: Any) -> str:
        value = raw if raw.__class__ is str else _number_text(raw)
        if (self.max_length and len(value) > self.max_length) or "\x00" in value:
            self._run_validators(value)
        return value

    _to_code = _to_str

    def _to_bool(self, raw: Any) -> bool:
        value = _BOOL_FAST.get(raw) if raw.__class__ is str else None
        if value is not None:
            return value
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        key = fold(raw)
        if key in TRUE_WORDS:
            return True
        if key in FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s” is not a yes/no value (use true/false, 1/0, yes/no, có/không).") % {"value": raw})

    def _to_date(self, raw: Any) -> datetime.date:
        if raw.__class__ is str:
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                pass
            match = _DMY.match(raw)
            if match:
                try:
                    return datetime.date(int(match[3]), int(match[2]), int(match[1]))
                except ValueError:
                    pass
            raise CellError(_("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {"value": raw})
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        raise CellError(_("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {"value": raw})

    def _to_int(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = str(raw).replace(" ", "").replace("\u00a0", "")
            if _GROUPED.match(text):  # 1.000.000 or 1,000,000: thousands separators
                text = re.sub(r"[.,]", "", text)
            try:
                value = int(text)
            except ValueError:
                raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None
        self._run_validators(value)
        return value

    def _to_decimal(self, raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw})
        text = _number_text(raw) if not isinstance(raw, str) else raw.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None
        if not value.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw})
        self._run_validators(value)
        return value

    def _to_choice(self, raw: Any) -> Any:
        key = raw if raw.__class__ is str else _number_text(raw)
        value = self.choices.get(key)
        if value is None:
            value = self.choices.get(fold(key))
        if value is None:
            # The choices as the officer writes them (the labels are accepted, as the codes are).
            labels = [str(text) for _value, text in self.field.flatchoices] if self.field is not None else sorted(
                {str(v) for v in self.choices.values()})
            raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": raw, "choices": "; ".join(labels)})
        return value

    def _run_validators(self, value: Any) -> None:
        """The model field's own validators (length, range, decimal places), with their messages."""
        if self.field is None:
            return
        try:
            self.field.run_validators(value)
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from None


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def _number_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


LABELS: dict[str, list[ColumnLabel]] = {
    ImportKind.DOCUMENTS: [
        ColumnLabel("unit_code", "Mã đơn vị", "Unit code", ("ma don vi", "don vi", "unit")),
        ColumnLabel("number", "Số và ký hiệu", "Number and symbol", ("so ky hieu", "so va ky hieu van ban", "so hieu", "so")),
        ColumnLabel("doc_type", "Loại văn bản", "Document type", ("loai", "ma loai van ban", "type")),
        ColumnLabel("title", "Trích yếu", "Title", ("trich yeu noi dung", "tieu de", "ten van ban")),
        ColumnLabel("issued_on", "Ngày ban hành", "Issue date", ("ngay ky", "ngay van ban", "date")),
        ColumnLabel("is_digitized", "Đã số hóa", "Digitised", ("so hoa", "da so hoa", "digitized")),
        ColumnLabel("sent_electronically", "Gửi qua mạng", "Sent over the network", ("gui dien tu", "gui qua mang", "da gui qua mang")),
    ],
    ImportKind.CONFERENCES: [
        ColumnLabel("unit_code", "Mã đơn vị", "Unit code", ("ma don vi", "don vi", "unit")),
        ColumnLabel("title", "Tên hội nghị", "Title", ("ten hoi nghi", "hoi nghi", "tieu de")),
        ColumnLabel("held_on", "Ngày tổ chức", "Date held", ("ngay to chuc", "ngay hop", "ngay")),
        ColumnLabel("duration_days", "Thời gian (ngày)", "Duration (days)", ("so ngay", "thoi gian ngay", "thoi luong")),
        ColumnLabel("format", "Hình thức", "Format", ("hinh thuc to chuc",)),
        ColumnLabel("category", "Loại hội nghị", "Category", ("loai hoi nghi", "loai")),
        ColumnLabel("scope", "Phạm vi", "Scope", ("pham vi",)),
        ColumnLabel("is_regular_session", "Họp thường kỳ", "Regular session", ("ky hop thuong le", "thuong ky")),
        ColumnLabel("exception_approved", "Được phép ngoại lệ", "Exception approved", ("ngoai le", "duoc ngoai le")),
        ColumnLabel("exception_ref", "Số quyết định ngoại lệ", "Exception decision reference", ("so quyet dinh", "can cu ngoai le")),
        ColumnLabel("reheld_after_online", "Tổ chức lại sau trực tuyến", "Re-held after online", ("to chuc lai",)),
        ColumnLabel("budget_allocated", "Kinh phí được giao (đồng)", "Budget allocated (VND)", ("kinh phi duoc giao", "du toan")),
        ColumnLabel("budget_spent", "Kinh phí đã chi (đồng)", "Budget spent (VND)", ("kinh phi da chi", "da chi")),
        ColumnLabel("opening_speech_min", "Phát biểu khai mạc (phút)", "Opening speech (min)", ("khai mac",)),
        ColumnLabel("closing_speeches_min", "Phát biểu kết luận (phút)", "Closing speeches (min)", ("ket luan", "be mac")),
        ColumnLabel("longest_presentation_min", "Tham luận dài nhất (phút)", "Longest presentation (min)", ("tham luan",)),
        ColumnLabel("participants", "Số đại biểu", "Participants", ("so nguoi", "dai bieu")),
    ],
    ImportKind.DIGITIZATION_REPORTS: [
        ColumnLabel("unit_code", "Mã đơn vị", "Unit code", ("ma don vi", "don vi", "unit")),
        ColumnLabel("year", "Năm", "Year", ("nam",)),
        ColumnLabel("quarter", "Quý", "Quarter", ("quy",)),
        ColumnLabel("procedures_total", "Tổng số thủ tục", "Procedures handled", ("tong so thu tuc", "tong so ho so")),
        ColumnLabel("procedures_digital", "Thủ tục trên môi trường số", "Of them digitally", ("tren moi truong so", "truc tuyen")),
    ],
}

MODELS = {
    ImportKind.DOCUMENTS: Document,
    ImportKind.CONFERENCES: Conference,
    ImportKind.DIGITIZATION_REPORTS: DigitizationReport,
}


def _column(model: type[models.Model], label: ColumnLabel) -> Column:
    common = {"name": label.name, "vi": label.vi, "en": label.en, "aliases": label.aliases}
    if label.name == "unit_code":
        return Column(model_field="unit", kind="code", required=True, max_length=32, **common)
    model_field = model._meta.get_field(label.name)
    if isinstance(model_field, models.ForeignKey):  # doc_type: may be left empty when the symbol implies it
        return Column(model_field=label.name, kind="code", required=False, max_length=8, field=None, **common)
    required = not model_field.blank and not model_field.has_default()
    default = model_field.get_default() if model_field.has_default() else ("" if model_field.blank and not model_field.null else None)
    if model_field.choices:
        choices: dict[str, str] = {}
        for value, text in model_field.flatchoices:
            choices[str(value)] = value
            choices[fold(value)] = value
            for language, _name in settings.LANGUAGES:  # the schema is shared: every language's labels
                with translation.override(language):
                    choices[fold(str(text))] = value
        for alias, value in CHOICE_ALIASES.get(label.name, {}).items():
            choices[alias] = value
        if isinstance(model_field, models.IntegerField):
            choices = {key: int(value) for key, value in choices.items()}
        return Column(model_field=label.name, kind="choice", required=required, default=default, choices=choices,
                      field=model_field, **common)
    if isinstance(model_field, models.BooleanField):
        kind = "bool"
    elif isinstance(model_field, models.DateField):
        kind = "date"
    elif isinstance(model_field, models.DecimalField):
        kind = "decimal"
    elif isinstance(model_field, models.IntegerField):
        kind = "int"
    else:
        kind = "str"
    return Column(model_field=label.name, kind=kind, required=required, default=default,
                  max_length=getattr(model_field, "max_length", None), field=model_field, **common)


class Schema:
    """The columns of one kind, and the header matching (API names, Vietnamese and English labels, aliases)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.model = MODELS[kind]
        self.columns = [_column(self.model, label) for label in LABELS[kind]]
        self.by_name = {column.name: column for column in self.columns}

    @cached_property
    def header_keys(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for column in self.columns:
            for text in (column.name, column.vi, column.en, *column.aliases):
                keys.setdefault(fold(text), column.name)
            keys.setdefault(fold(str(column.field.verbose_name)) if column.field is not None else "", column.name)
        keys.pop("", None)
        return keys

    def match_header(self, header: list[Any]) -> tuple[list[str | None], list[str], list[str]]:
        """(column name per position or None, unknown headers, missing required columns)."""
        names: list[str | None] = []
        unknown: list[str] = []
        for cell in header:
            text = "" if cell is None else str(cell).strip()
            name = (text if text in self.by_name else self.header_keys.get(fold(text))) if text else None
            if text and name is None:
                unknown.append(text)
            names.append(name if name not in names else None)
        missing = [column.name for column in self.columns if column.required and column.name not in names]
        if self.kind == ImportKind.DOCUMENTS and "doc_type" not in names and "number" not in names:
            missing.append("doc_type")
        return names, unknown, missing


_SCHEMAS: dict[str, Schema] = {}


def schema_for(kind: str) -> Schema:
    if kind not in _SCHEMAS:
        _SCHEMAS[kind] = Schema(kind)
    return _SCHEMAS[kind]

