"""Serializers of the compliance API: targets, results, summaries, and the compute/task endpoints (SPEC section 7).

Fractions are decimals with 4 places, rendered as strings ("0.1500" = 15 %), as the rest of the API renders decimals.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reform.models import Target, Unit

from ..choices import Period, ReviewState, Status
from ..models import ComplianceResult, Signal
from ..signals import signal_clears, signal_message

FOUR_PLACES = {"max_digits": 12, "decimal_places": 4, "allow_null": True, "read_only": True}


class TargetSerializer(serializers.ModelSerializer):
    """A target with the threshold (or cap) in force for the year asked (`?year=`, default the current year)."""

    name = serializers.CharField(read_only=True, help_text=_("In the request's language."))
    threshold = serializers.DecimalField(
        source="threshold_row.threshold", help_text=_("A fraction (0.2500 = 25 %) or, for caps, a number."),
        **FOUR_PLACES,
    )
    applies_from = serializers.IntegerField(
        source="threshold_row.applies_from", read_only=True, allow_null=True,
        help_text=_("The year from which this threshold is in force."),
    )
    parameters = serializers.JSONField(source="threshold_row.parameters", read_only=True, allow_null=True)
    year = serializers.IntegerField(read_only=True, help_text=_("The year the threshold was looked up for."))

    class Meta:
        model = Target
        fields = ["code", "name", "threshold", "clause", "applies_from", "name_vi", "name_en", "comparison",
                  "applies_to", "parameters", "year"]
        read_only_fields = fields


class ComplianceResultSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    target = serializers.CharField(source="target_id", read_only=True)
    value = serializers.DecimalField(**FOUR_PLACES)
    threshold = serializers.DecimalField(**FOUR_PLACES)

    class Meta:
        model = ComplianceResult
        fields = ["id", "unit", "unit_code", "unit_name", "year", "period", "target", "status", "value", "threshold",
                  "numerator", "denominator", "baseline", "provisional", "window_end", "computed_at", "details"]
        read_only_fields = fields


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True})
class UnitRefField(serializers.Field):
    """A unit given by id (a JSON number) or by code (a string: unit codes are digits too, like "01")."""

    default_error_messages = {
        "not_found": _("No unit with the id or code “%(value)s”."),
        "invalid": _("Give a unit id (number) or code (text)."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        if isinstance(data, int):
            unit = Unit.objects.filter(pk=data).first()
        else:
            value = data.strip()
            if "\x00" in value:  # PostgreSQL cannot even compare it: no unit has such a code
                raise serializers.ValidationError(self.error_messages["not_found"] % {"value": value.replace("\x00", "")})
            unit = Unit.objects.filter(code=value).first()
            if unit is None and value.isdigit():  # form-encoded bodies send ids as text
                unit = Unit.objects.filter(pk=int(value)).first()
        if unit is None:
            raise serializers.ValidationError(self.error_messages["not_found"] % {"value": data})
        return unit

    def to_representation(self, value):
        return value.pk


class ComputeRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The year to compute."))
    unit = UnitRefField(
        required=False, allow_null=True,
        help_text=_("Optional: compute only this unit's subtree (id as a number, or code as a string)."),
    )

    def validate_year(self, value: int) -> int:
        from ..recompute import _latest_reporting_year

        if value > _latest_reporting_year():
            raise serializers.ValidationError(_("This year has not started yet."))
        return value


class TaskAcceptedSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    status_url = serializers.CharField(help_text=_("Where to follow the task: GET /api/v1/tasks/<task_id>/."))


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class TaskStatusSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    state = serializers.CharField(help_text=_("Celery's state: PENDING, STARTED, PROGRESS, SUCCESS, FAILURE, RETRY."))
    progress = ProgressSerializer(allow_null=True)
    result = serializers.JSONField(required=False, help_text=_("The compute summary, once the task succeeded."))
    error = serializers.CharField(required=False, help_text=_("Why the task failed."))


class SummaryQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    period = serializers.ChoiceField(choices=Period.choices, required=False, default=Period.YEAR)
    unit = serializers.CharField(required=False, help_text=_("The unit's code; default the root (TW)."))
    unit_id = serializers.IntegerField(required=False, min_value=1, help_text=_("The unit's id, instead of its code."))

    def validate(self, attrs):
        if attrs.get("unit") and attrs.get("unit_id") is not None:
            raise serializers.ValidationError({"unit_id": _("Give the unit's code or its id, not both.")})
        return attrs


class StatusCountsSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    missed = serializers.IntegerField()
    no_baseline = serializers.IntegerField()
    no_data = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class StatusSharesSerializer(serializers.Serializer):
    met = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    missed = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    no_baseline = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    no_data = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    not_applicable = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class TargetSummarySerializer(serializers.Serializer):
    """One target over a unit's subtree: units per status, and the aggregate over the summed counts."""

    code = serializers.CharField()
    name = serializers.CharField()
    clause = serializers.CharField()
    comparison = serializers.CharField(required=False)
    threshold = serializers.DecimalField(**FOUR_PLACES)
    provisional = serializers.BooleanField(
        help_text="True while the period has not ended: judged on 1 January to window_end against the same window "
                  "of the year before; final after the first recompute once the period has ended.")
    window_end = serializers.DateField(allow_null=True, required=False,
                                       help_text="The last day the figures cover.")
    computed_at = serializers.DateTimeField(allow_null=True, required=False)
    n_units = serializers.IntegerField()
    counts = StatusCountsSerializer()
    shares = StatusSharesSerializer()
    status = serializers.ChoiceField(choices=Status.choices, allow_null=True, help_text=_("Aggregate status."))
    value = serializers.DecimalField(**FOUR_PLACES)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    baseline = serializers.IntegerField(allow_null=True)


class ComplianceSummarySerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    year = serializers.IntegerField()
    period = serializers.CharField()
    targets = TargetSummarySerializer(many=True)


class SignalSerializer(serializers.ModelSerializer):
    """An integrity signal (reporting/signals.py): its message in the request's language, and the figures behind it."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    message = serializers.SerializerMethodField(help_text=_("In the request's language."))
    clears = serializers.SerializerMethodField(help_text=_("What would clear the signal (for the unit's officers)."))
    evidence = serializers.JSONField(read_only=True, help_text=_("The figures that raised the signal."))

    class Meta:
        model = Signal
        fields = ["id", "unit", "unit_code", "unit_name", "year", "kind", "key", "severity", "message", "clears",
                  "evidence", "review_state", "review_comment", "reviewed_at", "computed_at"]
        read_only_fields = fields

    def get_message(self, signal: Signal) -> str:
        return signal_message(signal)

    def get_clears(self, signal: Signal) -> str:
        return signal_clears(signal)


class SignalReviewSerializer(serializers.Serializer):
    review_state = serializers.ChoiceField(choices=ReviewState.choices)
    review_comment = serializers.CharField(required=False, allow_blank=True, default="")
