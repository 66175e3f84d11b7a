"""Administrators see every upload: who, when, what file, its counts and errors (the audit event)."""
from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "user", "kind", "dry_run", "file_name", "status", "rows_total", "created",
                    "updated", "unchanged", "refused", "error_count")
    list_filter = ("kind", "status", "dry_run", "created_at")
    search_fields = ("file_name", "sha256", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # uploads are made on the upload page or through the API, never by hand

    def has_change_permission(self, request, obj=None) -> bool:
        return False
