"""Serializers of bulk uploads: the request (file and kind) and the status of an upload."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import ImportKind
from ..models import ImportBatch
from ..selectors import import_progress


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8) or XLSX; header row of API field names, the unit as unit_code."))
    kind = serializers.ChoiceField(choices=ImportKind.choices)


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


class ImportBatchSerializer(serializers.ModelSerializer):
    """An upload: status, progress (rows done/total), counts and errors (the first 500; all in errors_csv)."""

    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    errors = ImportErrorSerializer(many=True, read_only=True)
    errors_truncated = serializers.SerializerMethodField()
    errors_csv = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "task_id", "kind", "status", "file_name", "file_size", "sha256", "created_at", "started_at",
            "finished_at", "progress", "counts", "message", "error_count", "errors", "errors_truncated", "errors_csv",
        ]

    def get_progress(self, batch: ImportBatch) -> dict:
        return ProgressSerializer(import_progress(batch=batch)).data

    def get_counts(self, batch: ImportBatch) -> dict:
        return {"created": batch.created, "updated": batch.updated, "unchanged": batch.unchanged}

    def get_errors_truncated(self, batch: ImportBatch) -> bool:
        return batch.error_count > len(batch.errors)

    def get_errors_csv(self, batch: ImportBatch) -> str | None:
        if not batch.error_count:
            return None
        url = reverse("api-import-errors", args=[batch.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
