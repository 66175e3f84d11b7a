"""Compliance endpoints of the API v1 (included under /api/v1/ by reform/api_router.py)."""
from django.urls import path

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
    path("tasks/<str:task_id>/", TaskDetailView.as_view(), name="api-task-detail"),
]
