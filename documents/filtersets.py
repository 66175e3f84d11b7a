"""FilterSets of the documents register and the digitisation reports, shared by pages and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reform.filtersets import UnitRecordFilterSet, YesNoFilter, in_year

from .choices import Quarter
from .models import DigitizationReport, Document, DocumentType


class DocumentFilterSet(UnitRecordFilterSet):
    year = django_filters.NumberFilter(label=_("year"), method="filter_year")
    doc_type = django_filters.ModelChoiceFilter(label=_("document type"), queryset=DocumentType.objects.all())
    issued_after = django_filters.DateFilter(label=_("issued on or after"), field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(label=_("issued on or before"), field_name="issued_on", lookup_expr="lte")
    is_digitized = YesNoFilter(label=_("digitised"))
    sent_electronically = YesNoFilter(label=_("sent over the network"))
    needs_review = YesNoFilter(label=_("symbol needs review"))
    q = django_filters.CharFilter(label=_("search"), method="search")

    class Meta:
        model = Document
        fields = [
            "unit", "unit_code", "subtree", "year", "doc_type", "issued_after", "issued_before",
            "is_digitized", "sent_electronically", "needs_review", "q",
        ]

    def filter_year(self, queryset, name, value):
        """The year's documents. The issue dates the year implies let a newest-first list walk the
        (issued_on, id) index from the year's last day instead of sorting all of its documents."""
        return in_year(queryset, "issued_on", value).filter(year=int(value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


class DigitizationReportFilterSet(UnitRecordFilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    quarter = django_filters.ChoiceFilter(label=_("quarter"), choices=Quarter.choices)

    class Meta:
        model = DigitizationReport
        fields = ["unit", "unit_code", "subtree", "year", "quarter"]
