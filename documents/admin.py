"""Admin of the document-type catalogue, the documents register and the digitisation reports."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reform.admin import RecordAdmin

from .models import DigitizationReport, Document, DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_vi", "name_en", "counts_toward_reduction", "order")
    list_filter = ("counts_toward_reduction",)
    search_fields = ("code", "name_vi", "name_en")
    ordering = ("order", "code")


@admin.register(Document)
class DocumentAdmin(RecordAdmin):
    list_display = ("number", "doc_type", "title", "issued_on", "unit", "is_digitized", "sent_electronically",
                    "needs_review")
    list_filter = ("year", "doc_type", "needs_review", "is_digitized", "sent_electronically", "unit__level")
    search_fields = ("number", "title", "unit__code", "unit__name")
    list_select_related = ("unit", "doc_type")
    readonly_fields = ("year", "needs_review", "created_at", "updated_at", "upload")


@admin.register(DigitizationReport)
class DigitizationReportAdmin(RecordAdmin):
    list_display = ("unit", "year", "quarter", "procedures_total", "procedures_digital")
    list_filter = ("year", "quarter", "unit__level")
    search_fields = ("unit__code", "unit__name")
    readonly_fields = ("created_at", "updated_at", "upload")
