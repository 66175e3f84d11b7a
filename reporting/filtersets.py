"""FilterSets of the compliance results, shared by the API and the dashboard pages."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from reform.choices import Level
from reform.filtersets import filter_subtree

from .choices import Period, ReviewState, Severity, SignalKind, Status
from .models import ComplianceResult, Signal


class ComplianceResultFilterSet(django_filters.FilterSet):
    """Filters of `/api/v1/compliance/`. The queryset is already scoped to what the user may see, so naming a unit
    outside it gives an empty page, never someone else's results."""

    year = django_filters.NumberFilter(label=_("year"))
    period = django_filters.ChoiceFilter(label=_("period"), choices=Period.choices)
    unit = django_filters.NumberFilter(label=_("unit (id)"), field_name="unit_id")
    unit_code = django_filters.CharFilter(label=_("unit code"), field_name="unit__code")
    subtree = django_filters.CharFilter(label=_("unit and the units below it (code)"), method=filter_subtree)
    level = django_filters.CharFilter(label=_("unit level"), field_name="unit__level")
    target = django_filters.CharFilter(label=_("target (code)"), field_name="target_id")
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=Status.choices)

    class Meta:
        model = ComplianceResult
        fields = ["year", "period", "unit", "unit_code", "subtree", "level", "target", "status"]


class SignalFilterSet(django_filters.FilterSet):
    """Filters of `/api/v1/signals/` and the signals page; the queryset is already scoped to what the user may see."""

    year = django_filters.NumberFilter(label=_("year"))
    unit = django_filters.NumberFilter(label=_("unit (id)"), field_name="unit_id")
    unit_code = django_filters.CharFilter(label=_("unit code"), field_name="unit__code")
    province = django_filters.CharFilter(label=_("province (code): the province and the units below it"),
                                         method=filter_subtree)
    level = django_filters.ChoiceFilter(label=_("unit level"), field_name="unit__level", choices=Level.choices)
    kind = django_filters.ChoiceFilter(label=_("signal"), choices=SignalKind.choices)
    severity = django_filters.ChoiceFilter(label=_("severity"), choices=Severity.choices)
    review_state = django_filters.ChoiceFilter(label=_("review"), choices=ReviewState.choices)

    class Meta:
        model = Signal
        fields = ["year", "unit", "unit_code", "province", "level", "kind", "severity", "review_state"]
