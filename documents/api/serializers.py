"""Serializers of the documents register, the type catalogue and the digitisation reports (SPEC 7)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reform.api.serializers import UnitRecordSerializer

from ..models import DigitizationReport, Document, DocumentType


class DocumentTypeSerializer(serializers.ModelSerializer):
    """A document type, coded by the abbreviation used in symbols (`QĐ`, `NQ`, `KL`, ...)."""

    name = serializers.CharField(read_only=True, help_text=_("In the language of the request."))

    class Meta:
        model = DocumentType
        fields = ["code", "name", "counts_toward_reduction", "name_vi", "name_en", "order"]

    def validate_code(self, value: str) -> str:
        # The code is the primary key and is written in every document's symbol: it never changes.
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError(_("The code of a document type cannot be changed."))
        return value


class DocumentSerializer(UnitRecordSerializer):
    """An issued document; `year` is derived from `issued_on`, `needs_review` flags an unparseable symbol."""

    class Meta:
        model = Document
        fields = [
            "id", "unit", "unit_code", "number", "doc_type", "title", "issued_on", "year",
            "is_digitized", "sent_electronically", "needs_review", "locked",
        ]
        read_only_fields = ["year", "needs_review"]


class DigitizationReportSerializer(UnitRecordSerializer):
    """A unit's administrative procedures for one quarter, in total and handled digitally."""

    class Meta:
        model = DigitizationReport
        fields = ["id", "unit", "unit_code", "year", "quarter", "procedures_total", "procedures_digital", "locked"]
