"""Administrators see every upload: who, when, what file, its counts and errors (the audit event)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "user", "kind", "dry_run", "file_name", "status", "rows_total", "created",
                    "updated", "unchanged", "refused", "error_count", "requeued", "short_message")
    list_filter = ("kind", "status", "dry_run", "created_at")
    search_fields = ("file_name", "sha256", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    @admin.display(description=_("message"))
    def short_message(self, obj) -> str:
        """Why it failed (a refused file, a lost worker, an unreachable queue: the sweep writes it here)."""
        line = (obj.message or "").strip().splitlines()[0] if (obj.message or "").strip() else ""
        return line if len(line) <= 160 else f"{line[:159]}…"

    def has_add_permission(self, request) -> bool:
        return False  # uploads are made on the upload page or through the API, never by hand

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the audit trail's record of what an upload created and changed
