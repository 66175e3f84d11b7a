"""FilterSets shared by the web pages and the REST API (one definition of every filter, NetBox-style)."""
from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from .choices import Block, Kind, Level
from .models import Unit


def visible_units(request) -> QuerySet[Unit]:
    """Units a filter may name: those the requesting user can see (all of them without a request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Unit.objects.none() if request is not None else Unit.objects.all()
    return Unit.objects.visible_to(user)


def year_range(field: str, year: int) -> Q:
    """A sargable year filter on a date column (an index on the date is used, unlike EXTRACT)."""
    return Q(**{f"{field}__gte": datetime.date(year, 1, 1), f"{field}__lt": datetime.date(year + 1, 1, 1)})


def in_year(queryset: QuerySet, field: str, value) -> QuerySet:
    """`queryset` limited to the dates of year `value` in the date column `field` (see year_range); a year no
    date can fall in (and whose first day cannot be built) matches nothing."""
    year = int(value)
    if not datetime.MINYEAR <= year < datetime.MAXYEAR:
        return queryset.none()
    return queryset.filter(year_range(field, year))


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter accepting `true`/`false` (and `1`/`0`) in URLs, rendered as a select on pages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", BooleanWidget())
        super().__init__(*args, **kwargs)


def filter_subtree(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """The rows of the unit whose code is `value` and of the units below it (nothing for an unknown code); the
    queryset is already scoped, so a subtree outside the user's gives nothing."""
    unit = Unit.objects.filter(code=value).only("path").first()
    if unit is None:
        return queryset.none()
    return queryset.in_subtree(unit)


class UnitRecordFilterSet(django_filters.FilterSet):
    """Filters every register shares: the unit by id or code, and a unit's whole subtree by code."""

    unit = django_filters.ModelChoiceFilter(label=_("unit"), queryset=visible_units)
    unit_code = django_filters.CharFilter(label=_("unit code"), field_name="unit__code")
    subtree = django_filters.CharFilter(
        label=_("unit and the units below it (code)"), method=filter_subtree,
    )


class UnitFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(label=_("code"))
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Kind.choices)
    block = django_filters.ChoiceFilter(label=_("block"), choices=Block.choices)
    # `parent=null` selects the root(s) of the tree.
    parent = django_filters.ModelChoiceFilter(
        label=_("parent"), queryset=visible_units, null_label=_("(none)"), null_value="null",
    )
    q = django_filters.CharFilter(label=_("search"), method="search")
    current = YesNoFilter(label=_("current (exists after 1 July 2025)"), field_name="valid_until",
                          lookup_expr="isnull")

    class Meta:
        model = Unit
        fields = ["code", "level", "kind", "block", "parent"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))
