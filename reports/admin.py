"""Admin of period reports: read their state and history; state changes go through the report pages (services)."""
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from reform.admin import GuardedDeleteMixin

from .choices import ReportState
from .models import Notification, PeriodReport, PeriodReportEvent, ReportExport


class PeriodReportEventInline(admin.TabularInline):
    model = PeriodReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "actor", "from_state", "to_state", "comment"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PeriodReport)
class PeriodReportAdmin(GuardedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["period_name", "unit", "state", "submitted_at", "decided_at", "deadline"]
    list_filter = ["state", "year", "period"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit"]
    inlines = [PeriodReportEventInline]
    # Approving, returning and reopening are workflow steps with their own rules and audit: use the pages.
    readonly_fields = [f.name for f in PeriodReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=gettext_lazy("period"), ordering="window_end")
    def period_name(self, obj):
        return obj.period_name

    def has_delete_permission(self, request, obj=None) -> bool:
        # An approved report locks its window: deleting it would unlock the records with no reason and lose its
        # events. It can only be reopened, with a reason, on the report's page.
        if obj is not None and obj.state == ReportState.APPROVED:
            return False
        return super().has_delete_permission(request, obj)

    def delete_refusals(self, request, obj) -> list[str]:
        if obj.state == ReportState.APPROVED:
            return [_("An approved report cannot be deleted; reopen it with a reason on its page instead.")]
        return []


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    list_display = ["id", "unit", "period_name", "format", "status", "scheduled", "created_at", "finished_at",
                    "requeued", "short_error"]
    list_filter = ["status", "format", "scheduled", "year", "period"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit"]
    readonly_fields = ["task_id", "done", "total", "error", "created_at", "started_at", "finished_at", "queued_at",
                       "requeued"]

    @admin.display(description=gettext_lazy("period"), ordering="year")
    def period_name(self, obj):
        return obj.period_name

    @admin.display(description=gettext_lazy("error"))
    def short_error(self, obj) -> str:
        """Why it failed (the sweep writes a lost worker or an unreachable queue here)."""
        line = (obj.error or "").strip().splitlines()[0] if (obj.error or "").strip() else ""
        return line if len(line) <= 160 else f"{line[:159]}…"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at", "emailed_at"]
    search_fields = ["user__username", "message", "key"]
    list_select_related = ["user"]
