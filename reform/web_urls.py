"""Web pages of the core: home, log in and out, the audit trail, the unit pickers' search."""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.AuditTrailView.as_view(), name="audit_trail"),
    path("units/search/", views.unit_search, name="unit_search"),
]
