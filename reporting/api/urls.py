"""Compliance endpoints of the API v1 (included under /api/v1/ by reform/api_router.py)."""
from django.urls import path, re_path

from .views import (
    ComplianceComputeView,
    ComplianceResultListView,
    ComplianceSummaryView,
    TargetListView,
    TaskDetailView,
)

urlpatterns = [
    path("targets/", TargetListView.as_view(), name="api-target-list"),
    path("compliance/", ComplianceResultListView.as_view(), name="api-compliance-list"),
    path("compliance/summary/", ComplianceSummaryView.as_view(), name="api-compliance-summary"),
    path("compliance/compute/", ComplianceComputeView.as_view(), name="api-compliance-compute"),
    # Any id without a slash or a NUL byte (the result backend cannot look that up): unknown ids answer PENDING.
    re_path(r"^tasks/(?P<task_id>[^/\x00]+)/$", TaskDetailView.as_view(), name="api-task-detail"),
]
