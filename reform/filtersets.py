"""FilterSets shared by the web pages and the REST API (one definition of every filter, NetBox-style)."""
from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .choices import Block, Kind, Level
from .models import Unit
from .unitsearch import SEARCH_LIMIT, subtrees_q, unit_resolve, units_ranked


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


class UnitReferenceField(forms.CharField):
    """A unit written as its code or (part of) its name, among `units`: cleans to the units it designates.

    A code, or a name designating one unit, gives that unit; a name several units share gives them all (at most
    SEARCH_LIMIT: more is an error asking for more of the name); no unit gives none.
    """

    def __init__(self, *args, units: QuerySet | None = None, **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        units = self.units if self.units is not None else Unit.objects.none()
        unit, candidates = unit_resolve(units, value)
        if unit is not None:
            return [unit]
        if len(candidates) > SEARCH_LIMIT:
            raise forms.ValidationError(
                _("More than %(limit)s units are named “%(value)s”: type more of the name, or the code."),
                code="too_many", params={"limit": SEARCH_LIMIT, "value": value})
        return candidates


@extend_schema_field(OpenApiTypes.STR)
class UnitReferenceFilter(django_filters.Filter):
    """A unit's subtree, the unit given by code or name (`UnitReferenceField`)."""

    field_class = UnitReferenceField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(subtrees_q(value)) if value else queryset.none()


class UnitRecordFilterSet(django_filters.FilterSet):
    """Filters every register shares: the unit by id or code, and a unit's whole subtree by code or name."""

    unit = django_filters.ModelChoiceFilter(label=_("unit"), queryset=visible_units)
    unit_code = django_filters.CharFilter(label=_("unit code"), field_name="unit__code")
    subtree = UnitReferenceFilter(label=_("unit and the units below it (code or name)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The name is looked up among the units the user may see (a code of another province finds nothing).
        self.filters["subtree"].extra["units"] = visible_units(self.request)


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
        """Code or name, with or without diacritics, best matches first (reform/unitsearch.py)."""
        return units_ranked(queryset, value) if value.strip() else queryset
