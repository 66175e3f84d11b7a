"""Reports endpoints of the API v1 (included under /api/v1/ by reform/api_router.py)."""
from django.urls import path

from .views import PeriodReportDetailView, PeriodReportListView, ReportExportDetailView, ReportExportListCreateView

urlpatterns = [
    path("reports/", ReportExportListCreateView.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", ReportExportDetailView.as_view(), name="api-report-detail"),
    path("period-reports/", PeriodReportListView.as_view(), name="api-period-report-list"),
    path("period-reports/<int:pk>/", PeriodReportDetailView.as_view(), name="api-period-report-detail"),
]
