"""Reports endpoints of the API v1 (included under /api/v1/ by reform/urls.py)."""
from django.urls import path

from .views import (
    PeriodReportApproveView,
    PeriodReportDetailView,
    PeriodReportListView,
    PeriodReportReopenView,
    PeriodReportReturnView,
    ReportExportDetailView,
    ReportExportDownloadView,
    ReportExportListCreateView,
)

urlpatterns = [
    path("reports/", ReportExportListCreateView.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", ReportExportDetailView.as_view(), name="api-report-detail"),
    path("reports/<int:pk>/download/", ReportExportDownloadView.as_view(), name="api-report-download"),
    path("period-reports/", PeriodReportListView.as_view(), name="api-period-report-list"),
    path("period-reports/<int:pk>/", PeriodReportDetailView.as_view(), name="api-period-report-detail"),
    path("period-reports/<int:pk>/approve/", PeriodReportApproveView.as_view(), name="api-period-report-approve"),
    path("period-reports/<int:pk>/return/", PeriodReportReturnView.as_view(), name="api-period-report-return"),
    path("period-reports/<int:pk>/reopen/", PeriodReportReopenView.as_view(), name="api-period-report-reopen"),
]
