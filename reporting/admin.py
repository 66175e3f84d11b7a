"""Admin of the compute runs: every recompute, what started it and how it ended, and a "recompute now" button
(also on the targets' and thresholds' pages)."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from reform.admin import target_actions, threshold_actions
from reform.queueing import QueueUnavailable

from .choices import RunTrigger
from .models import ComputeRun, RecomputeRequest, Signal, SignalRequest, SignalThreshold
from .policy import threshold_years
from .runs import recompute_years_now, stored_years


def queue_recompute(modeladmin: admin.ModelAdmin, request, years) -> None:
    """Queue the recompute of `years` (the current year when none has stored results) and say which tasks run."""
    years = sorted({int(y) for y in years}) or [timezone.localdate().year]
    try:
        queued = recompute_years_now(years=years, trigger=RunTrigger.ADMIN)
    except QueueUnavailable as error:
        modeladmin.message_user(request, gettext("The recompute was not queued: %(error)s") % {"error": error},
                                messages.ERROR)
        return
    modeladmin.message_user(
        request,
        gettext("Recompute queued for %(years)s (tasks %(tasks)s); the compute runs list shows how it ends.")
        % {"years": ", ".join(str(y) for y, _ in queued), "tasks": ", ".join(task for _, task in queued)},
        messages.SUCCESS,
    )


@admin.action(description=_("Recompute now the years these targets reach"))
def recompute_targets_now(modeladmin, request, queryset):
    """Every year with stored results (a changed threshold or switch is applied on its own; this is to re-run)."""
    queue_recompute(modeladmin, request, stored_years())


@admin.action(description=_("Recompute now the years these thresholds govern"))
def recompute_thresholds_now(modeladmin, request, queryset):
    stored = stored_years()
    years = {year for row in queryset for year in threshold_years(row.target_id, row.applies_from, row.applies_from,
                                                                    stored)}
    queue_recompute(modeladmin, request, years)


target_actions.append(recompute_targets_now)  # on the targets' and thresholds' pages (reform/admin.py)
threshold_actions.append(recompute_thresholds_now)


class RecomputeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


@admin.register(ComputeRun)
class ComputeRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "year", "scope", "trigger", "state", "finished_at", "short_error", "task_id")
    list_filter = ("state", "trigger", "year")
    list_select_related = ("unit",)
    search_fields = ("task_id", "error", "unit__code")
    date_hierarchy = "started_at"
    change_list_template = "admin/reporting/computerun/change_list.html"
    readonly_fields = ("year", "unit", "subtrees", "trigger", "state", "started_at", "finished_at", "task_id", "error")

    @admin.display(description=_("scope"))
    def scope(self, obj):
        return obj.scope_codes if obj.scope_paths is not None else gettext("the whole country")

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return obj.reason

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [path("recompute/", self.admin_site.admin_view(self.recompute_view),
                     name="reporting_computerun_recompute")]
        return urls + super().get_urls()

    def recompute_view(self, request):
        """Queue compliance_compute_task for a year (the whole country), as POST /api/v1/compliance/compute/ does."""
        if not getattr(request.user, "is_administrator", False):
            raise PermissionDenied
        form = RecomputeForm(request.POST or None, initial={"year": request.GET.get("year") or timezone.localdate().year})
        if request.method == "POST" and form.is_valid():
            queue_recompute(self, request, [form.cleaned_data["year"]])
            return redirect("admin:reporting_computerun_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Recompute a year"),
            "form": form,
            "stored_years": stored_years(),
        }
        return TemplateResponse(request, "admin/reporting/computerun/recompute.html", context)


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(admin.ModelAdmin):
    """The unit-years waiting for a recompute; a mark whose recompute failed shows its attempts and error."""

    list_display = ("unit", "year", "reason", "requested_at", "attempts", "short_error")
    list_filter = ("reason", "year", "attempts")
    list_select_related = ("unit",)
    search_fields = ("unit__code", "unit__name", "last_error")
    readonly_fields = ("unit", "year", "reason", "requested_at", "attempts", "last_error")

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        line = (obj.last_error or "").splitlines()[0] if obj.last_error else ""
        return line if len(line) <= 120 else f"{line[:119]}…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignalRequest)
class SignalRequestAdmin(RecomputeRequestAdmin):
    """The unit-years whose integrity signals wait to be found again after their results were recomputed."""

    list_display = ("unit", "year", "requested_at", "attempts", "short_error")
    list_filter = ("year", "attempts")
    readonly_fields = ("unit", "year", "requested_at", "attempts", "last_error")


@admin.register(SignalThreshold)
class SignalThresholdAdmin(SimpleHistoryAdmin):
    """The signals' parameters, with history; a parameter left out takes its default (the next compute applies it)."""

    list_display = ("kind", "applies_from", "parameters", "note")
    list_filter = ("kind",)


@admin.register(Signal)
class SignalAdmin(SimpleHistoryAdmin):
    """Integrity signals are computed; reviewers review them in the pages (reporting/signals.py)."""

    list_display = ("unit", "year", "kind", "key", "severity", "review_state", "computed_at")
    list_filter = ("year", "kind", "severity", "review_state")
    search_fields = ("unit__code", "unit__name", "key")
    autocomplete_fields = ("unit", "reviewed_by")
    readonly_fields = ("unit", "year", "kind", "key", "severity", "params", "evidence", "computed_at")
