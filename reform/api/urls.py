"""API v1 endpoints of the core app (included under /api/v1/ by reform/urls.py): the API root, token auth, units."""
from django.urls import path

from .routers import AppRouter, api_root_urls
from .views import LogoutView, TokenView, UnitViewSet

router = AppRouter()
router.register("units", UnitViewSet, basename="unit")

urlpatterns: list = [
    *api_root_urls(),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    *router.urls,
]
