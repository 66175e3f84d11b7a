"""API endpoints of the core app that are not viewsets (token auth)."""
from django.urls import path

from .views import TokenView

urlpatterns: list = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
]
