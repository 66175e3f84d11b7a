"""Bulk-upload endpoints of the API v1 (included under /api/v1/ by reform/urls.py)."""
from django.urls import path

from .views import ImportDetailView, ImportErrorsCsvView, ImportListCreateView

urlpatterns = [
    path("imports/", ImportListCreateView.as_view(), name="api-import-list"),
    path("imports/<int:pk>/", ImportDetailView.as_view(), name="api-import-detail"),
    path("imports/<int:pk>/errors.csv", ImportErrorsCsvView.as_view(), name="api-import-errors"),
]
