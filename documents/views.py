"""Pages of the documents register and the digitisation reports: list, detail, create, edit, delete."""
from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView, UpdateView

from reform.mixins import RecordDeleteMixin, RecordFormMixin, RecordListMixin, RecordScopeMixin

from .filtersets import DigitizationReportFilterSet, DocumentFilterSet
from .forms import DigitizationReportForm, DocumentForm
from .models import DigitizationReport, Document, DocumentType


class DocumentMixin:
    model = Document
    select_related = ("unit", "doc_type")
    detail_url_name = "documents:document_detail"
    success_url_name = "documents:document_list"


class DocumentListView(DocumentMixin, RecordListMixin, TemplateView):
    template_name = "documents/document_list.html"
    filterset_class = DocumentFilterSet
    sort_fields = {
        "issued_on": "issued_on", "number": "number", "title": "title", "doc_type": "doc_type__code",
        "unit": "unit__code",
    }
    default_sort = "-issued_on"

    def get_extra_context(self) -> dict:
        return {"doc_types": DocumentType.objects.all()}


class DocumentDetailView(DocumentMixin, RecordScopeMixin, DetailView):
    template_name = "documents/document_detail.html"


class DocumentFormView(DocumentMixin, RecordFormMixin):
    form_class = DocumentForm
    template_name = "documents/document_form.html"

    def after_save(self, instance: Document) -> None:
        if instance.needs_review:
            messages.warning(self.request, _(
                "The number and symbol “%(number)s” follows none of the known forms: the document was saved "
                "and flagged for review. Please check the symbol."
            ) % {"number": instance.number})


class DocumentCreateView(DocumentFormView, CreateView):
    success_message = gettext_lazy("The document “%(object)s” was added.")


class DocumentUpdateView(DocumentFormView, UpdateView):
    success_message = gettext_lazy("The document “%(object)s” was saved.")


class DocumentDeleteView(DocumentMixin, RecordDeleteMixin, DeleteView):
    template_name = "reform/record_confirm_delete.html"


class DigitizationMixin:
    model = DigitizationReport
    select_related = ("unit",)
    detail_url_name = "documents:digitization_detail"
    success_url_name = "documents:digitization_list"


class DigitizationListView(DigitizationMixin, RecordListMixin, TemplateView):
    template_name = "documents/digitization_list.html"
    filterset_class = DigitizationReportFilterSet
    sort_fields = {
        "period": ("year", "quarter"), "unit": "unit__code", "procedures_total": "procedures_total",
        "procedures_digital": "procedures_digital",
    }
    default_sort = "-period"


class DigitizationDetailView(DigitizationMixin, RecordScopeMixin, DetailView):
    template_name = "documents/digitization_detail.html"


class DigitizationFormView(DigitizationMixin, RecordFormMixin):
    form_class = DigitizationReportForm
    template_name = "documents/digitization_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["existing_report"] = self.existing_report(context["form"])
        return context

    def existing_report(self, form) -> DigitizationReport | None:
        """The report a refused form duplicates (the unit's report for the same quarter), for a link to it."""
        data = getattr(form, "cleaned_data", None) or {}
        if not form.errors or not all(data.get(name) for name in ("unit", "year", "quarter")):
            return None
        found = DigitizationReport.objects.visible_to(self.request.user).filter(
            unit=data["unit"], year=data["year"], quarter=data["quarter"])
        if getattr(self, "object", None) is not None and self.object.pk:
            found = found.exclude(pk=self.object.pk)
        return found.select_related("unit").first()


class DigitizationCreateView(DigitizationFormView, CreateView):
    success_message = gettext_lazy("The digitisation report “%(object)s” was added.")


class DigitizationUpdateView(DigitizationFormView, UpdateView):
    success_message = gettext_lazy("The digitisation report “%(object)s” was saved.")


class DigitizationDeleteView(DigitizationMixin, RecordDeleteMixin, DeleteView):
    template_name = "reform/record_confirm_delete.html"
