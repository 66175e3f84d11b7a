"""Forms of the documents register and the digitisation reports (shape only; services validate)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reform.forms import DateInput, RecordForm

from .models import DigitizationReport, Document, DocumentType
from .symbols import client_rules


class DocumentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DocumentType) -> str:
        return f"{obj.code} – {obj.name}"


class DocumentForm(RecordForm):
    doc_type = DocumentTypeChoiceField(label=_("document type"), queryset=DocumentType.objects.all())

    class Meta:
        model = Document
        fields = ["unit", "number", "doc_type", "title", "issued_on", "is_digitized", "sent_electronically"]
        widgets = {"issued_on": DateInput(), "title": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "number": _(
                "As written on the document: state form 123/QĐ-UBND (05/2025/TT-BTC with the year), "
                "Party form 226-KL/TW, official letter 123/UBND-VP. A symbol that follows none of these "
                "is kept and flagged for review."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The live hint judges the symbol by the server's own rules, given to the page as JSON (symbol_rules).
        self.symbol_rules = client_rules(DocumentType.objects.values_list("code", flat=True))
        self.fields["number"].widget.attrs.update({
            "data-symbol-hint": "1",
            "data-hint-id": "symbol-hint",
            "data-type-select": self["doc_type"].auto_id,
            "data-rules-id": "symbol-rules",
            "data-msg-ok": _("The symbol is of type %s."),
            "data-msg-mismatch": _("The symbol is of type %s, which differs from the chosen type."),
            "data-msg-unparsed": _("This symbol follows none of the known forms; it will be flagged for review."),
            "autocomplete": "off",
        })
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("issued_on", timezone.localdate())


class DigitizationReportForm(RecordForm):
    class Meta:
        model = DigitizationReport
        fields = ["unit", "year", "quarter", "procedures_total", "procedures_digital"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "procedures_total": forms.NumberInput(attrs={"min": 0}),
            "procedures_digital": forms.NumberInput(attrs={"min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("quarter", (today.month - 1) // 3 + 1)
