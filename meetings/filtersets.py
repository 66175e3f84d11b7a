"""FilterSet of the conferences register, shared by the web pages and the API."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from reform.filtersets import UnitRecordFilterSet, YesNoFilter, in_year

from .choices import Category, Format, Scope
from .models import Conference


class ConferenceFilterSet(UnitRecordFilterSet):
    year = django_filters.NumberFilter(label=_("year"), method="filter_year")
    format = django_filters.ChoiceFilter(label=_("format"), choices=Format.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)
    scope = django_filters.ChoiceFilter(label=_("scope"), choices=Scope.choices)
    is_regular_session = YesNoFilter(label=_("statutory regular session"))
    held_after = django_filters.DateFilter(label=_("held on or after"), field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(label=_("held on or before"), field_name="held_on", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("search"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = Conference
        fields = [
            "unit", "unit_code", "subtree", "year", "format", "category", "scope", "is_regular_session",
            "held_after", "held_before", "q",
        ]

    def filter_year(self, queryset, name, value):
        return in_year(queryset, "held_on", value)
