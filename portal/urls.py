"""The portal's pages: the home page and the audit trail."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("audit/", views.AuditTrailView.as_view(), name="audit_trail"),
]
