"""API endpoints of the core app that are not viewsets (token auth: sign in, log out)."""
from django.urls import path

from .views import LogoutView, TokenView

urlpatterns: list = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
]
