"""Serializers of the core app, and the base every register serializer builds on.

Serializers here check types and shapes only. Every rule (non-negative amounts, dates not in the
future, uniqueness, ...) belongs to the models and is applied by `full_clean()` in the services, so
the web forms, the API and bulk uploads give the same answer from one definition.
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reform import services
from reform.models import Unit

# Keyword arguments DRF derives from model validators; dropped so the model alone enforces them.
_MODEL_RULE_KWARGS = ("validators", "min_value", "max_value", "max_length", "min_length")


class ShapeOnlyModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that keeps types, choices and required-ness but none of the model's rules."""

    def get_validators(self) -> list:
        return []  # no UniqueTogetherValidator: uniqueness is reported by the model on the right field

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        for key in _MODEL_RULE_KWARGS:
            kwargs.pop(key, None)
        if issubclass(field_class, serializers.CharField):
            kwargs["allow_blank"] = True  # "cannot be blank" comes from the model
        return field_class, kwargs

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        kwargs.pop("validators", None)
        return field_class, kwargs


class UnitRecordSerializer(ShapeOnlyModelSerializer):
    """Base of the register serializers: the unit by id (`unit`) or by code (`unit_code`)."""

    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False,
        help_text=_("Id of the unit the record belongs to (required unless unit_code is given)."),
    )
    unit_code = serializers.SlugRelatedField(
        source="unit", slug_field="code", queryset=Unit.objects.all(), required=False,
        help_text=_("Code of the unit; an alternative to `unit` on write."),
    )
    locked = serializers.SerializerMethodField(
        help_text=_("True while the record lies in the window of an approved period report: it cannot be "
                    "changed or deleted until an administrator reopens the report."),
    )

    def get_locked(self, record) -> bool:
        if not hasattr(record, "lock_reason"):
            services.records_mark_locked(self._rows_with(record))
        return bool(record.lock_reason)

    def _rows_with(self, record) -> list:
        """The rows serialised together with this one (a list page), so the page is checked in one go."""
        parent = self.parent
        if isinstance(parent, serializers.ListSerializer) and isinstance(parent.instance, (list, QuerySet)):
            rows = list(parent.instance)
            if any(row is record for row in rows):
                return rows
        return [record]

    def validate(self, attrs):
        data = self.initial_data
        if "unit" in data and "unit_code" in data and attrs.get("unit") is not None:
            if str(attrs["unit"].pk) != str(data["unit"]):
                raise serializers.ValidationError({"unit_code": [_("unit and unit_code name different units.")]})
        if self.instance is None and attrs.get("unit") is None:
            raise serializers.ValidationError({"unit": [_("This field is required.")]})
        return attrs


class UnitSerializer(serializers.ModelSerializer):
    """A unit of the organisation tree; `parent` is the id of the unit above it (null for the root). Legacy units
    (before 1 July 2025) have a `valid_until` and their `successors`; current units list their `predecessors`."""

    successors = serializers.SerializerMethodField(
        help_text=_("Codes of the units this legacy unit became, the default successor (which its records count "
                    "in) first; empty for a current unit."))
    predecessors = serializers.SerializerMethodField(
        help_text=_("Codes of the legacy units (until 30 June 2025) this unit was formed from."))

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "level", "kind", "block", "parent", "valid_until", "successors", "predecessors"]
        read_only_fields = fields

    def get_successors(self, unit) -> list[str]:
        return [row.successor.code for row in sorted(unit.successions.all(), key=lambda r: (r.order, r.successor_id))]

    def get_predecessors(self, unit) -> list[str]:
        return sorted(row.predecessor.code for row in unit.predecessions.all())


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
