"""Admin of the conferences register."""
from django.contrib import admin

from reform.admin import RecordAdmin

from .models import Conference


@admin.register(Conference)
class ConferenceAdmin(RecordAdmin):
    list_display = ("title", "held_on", "unit", "format", "category", "scope", "duration_days",
                    "is_regular_session", "exception_approved")
    list_filter = ("format", "category", "scope", "is_regular_session", "exception_approved", "unit__level")
    search_fields = ("title", "unit__code", "unit__name", "exception_ref")
    readonly_fields = ("created_at", "updated_at", "upload")
