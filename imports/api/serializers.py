"""Serializers of bulk uploads: the request (file and kind) and the status of an upload."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import ImportKind
from ..models import ImportBatch
from ..selectors import import_progress, import_updated_records, updated_record_entries

KEEP_UPDATED = 500  # changed records listed in an upload's detail (the page pages through all of them)


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8) or XLSX; header row of API field names, the unit as unit_code."))
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    dry_run = serializers.BooleanField(
        default=False,
        help_text=_("Check only: report what the file would create, update and refuse (same checks, same errors) "
                    "and write nothing."),
    )


class ImportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_id = serializers.CharField()


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField()
    fraction = serializers.FloatField()


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField(help_text=_("Rows with an error."))


class UpdatedRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text=_("A document's number, a conference's title and date, a report's quarter."))
    unit = serializers.CharField(allow_null=True, help_text=_("The unit's code."))
    url = serializers.CharField(help_text=_("The record's page."))


class ImportBatchSerializer(serializers.ModelSerializer):
    """An upload: status, progress (rows done/total), counts and errors (the first 500; all in errors_csv).

    `dry_run`: a check only; its counts are what the file would do, and nothing was written.
    """

    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    errors = ImportErrorSerializer(many=True, read_only=True)
    errors_truncated = serializers.SerializerMethodField()
    errors_csv = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "task_id", "kind", "dry_run", "status", "file_name", "file_size", "sha256", "created_at", "started_at",
            "finished_at", "progress", "counts", "message", "error_count", "errors", "errors_truncated", "errors_csv",
        ]

    def get_progress(self, batch: ImportBatch) -> dict:
        return ProgressSerializer(import_progress(batch=batch)).data

    @extend_schema_field(CountsSerializer)
    def get_counts(self, batch: ImportBatch) -> dict:
        return {"created": batch.created, "updated": batch.updated, "unchanged": batch.unchanged,
                "refused": batch.refused}

    def get_errors_truncated(self, batch: ImportBatch) -> bool:
        return batch.error_count > len(batch.errors)

    def get_errors_csv(self, batch: ImportBatch) -> str | None:
        if not batch.error_count:
            return None
        url = reverse("api-import-errors", args=[batch.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ImportBatchDetailSerializer(ImportBatchSerializer):
    """One upload, with the records it changed (the first 500, in the order written; the page lists all)."""

    updated_records = serializers.SerializerMethodField()
    updated_records_truncated = serializers.SerializerMethodField()

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "updated_records", "updated_records_truncated"]

    @extend_schema_field(UpdatedRecordSerializer(many=True))
    def get_updated_records(self, batch: ImportBatch) -> list[dict]:
        rows = import_updated_records(batch=batch)[:KEEP_UPDATED]
        entries = updated_record_entries(batch=batch, rows=rows)
        request = self.context.get("request")
        if request is not None:
            for entry in entries:
                entry["url"] = request.build_absolute_uri(entry["url"])
        return entries

    def get_updated_records_truncated(self, batch: ImportBatch) -> bool:
        return batch.updated > KEEP_UPDATED and not batch.dry_run and batch.history_date is not None
