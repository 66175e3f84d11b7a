"""Serializers of the reports API: export requests and their status, and period reports (read-only)."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reporting.api.serializers import UnitRefField

from ..choices import ExportFormat, ReportState
from ..models import PeriodReport, PeriodReportEvent, ReportExport
from ..periods import ReportingPeriod


class PeriodField(serializers.CharField):
    """`2026-Q3`, `2026-H1`, `2026-M9` or `2026` (the year)."""

    def to_internal_value(self, data) -> ReportingPeriod:
        try:
            return ReportingPeriod.parse(super().to_internal_value(data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class ExportRequestSerializer(serializers.Serializer):
    unit = UnitRefField(help_text=_("The unit (id as a number, or code as a string): a province, or TW for the nation."))
    period = PeriodField(help_text=_("e.g. 2026-Q3, 2026-H1, 2026-M9 or 2026."))
    format = serializers.ChoiceField(choices=ExportFormat.choices)


class ExportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_id = serializers.CharField()


class ReportExportSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period_label", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    progress = serializers.FloatField(read_only=True, help_text=_("From 0 to 1."))
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportExport
        fields = ["id", "unit", "unit_code", "period", "format", "status", "progress", "download_url", "scheduled",
                  "task_id", "created_at", "finished_at", "error"]
        read_only_fields = fields

    def get_download_url(self, obj: ReportExport) -> str | None:
        if obj.status != "ready" or not obj.file:
            return None
        url = reverse("api-report-download", args=[obj.pk])  # the file itself, with the token or a session
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class PeriodReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = PeriodReportEvent
        fields = ["action", "actor", "at", "from_state", "to_state", "comment"]
        read_only_fields = fields


class PeriodReportSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    period_label = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField(
        help_text=_("submitted, approved, returned, or reopened (an approved report an administrator reopened)."))
    due_on = serializers.DateField(source="deadline", read_only=True)
    events = PeriodReportEventSerializer(many=True, read_only=True)

    class Meta:
        model = PeriodReport
        fields = ["id", "unit", "unit_code", "year", "period", "period_label", "status", "state", "window_start",
                  "window_end", "deadline", "due_on", "difficulties", "proposals", "submitted_at", "first_submitted_at",
                  "decided_at", "comment", "results", "events"]
        read_only_fields = fields

    def get_status(self, report: PeriodReport) -> str:
        # SPEC 7's status: the workflow state, where a draft that was approved before is "reopened".
        if report.state == ReportState.DRAFT:
            return "reopened" if report.decided_at or report.first_submitted_at else "draft"
        return report.state


class PeriodReportSubmitSerializer(serializers.Serializer):
    unit = UnitRefField(help_text=_("The locality (id as a number, or code as a string); your own unit."))
    period = PeriodField(help_text=_("e.g. 2026-Q3, 2026-H1, 2026-M9 or 2026."))
    difficulties = serializers.CharField(required=False, allow_blank=True, default="")
    proposals = serializers.CharField(required=False, allow_blank=True, default="")


class PeriodReportDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text=_("Required to return a report; the reason, to reopen one."))
