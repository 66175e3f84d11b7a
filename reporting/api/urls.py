"""Compliance and integrity-signal endpoints of the API v1 (included under /api/v1/ by reform/urls.py)."""
from django.urls import path, re_path

from reform.api.routers import AppRouter

from .views import (
    ComplianceComputeView,
    ComplianceResultListView,
    ComplianceSummaryView,
    SignalViewSet,
    TargetListView,
    TaskDetailView,
)

router = AppRouter()
router.register("signals", SignalViewSet, basename="signal")

urlpatterns = [
    path("targets/", TargetListView.as_view(), name="api-target-list"),
    path("compliance/", ComplianceResultListView.as_view(), name="api-compliance-list"),
    path("compliance/summary/", ComplianceSummaryView.as_view(), name="api-compliance-summary"),
    path("compliance/compute/", ComplianceComputeView.as_view(), name="api-compliance-compute"),
    # Any id without a slash or a NUL byte (the result backend cannot look that up): unknown ids answer PENDING.
    re_path(r"^tasks/(?P<task_id>[^/\x00]+)/$", TaskDetailView.as_view(), name="api-task-detail"),
    *router.urls,
]
