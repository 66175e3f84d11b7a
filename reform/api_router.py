"""The one router of the REST API v1; apps with non-viewset endpoints add their own url modules below."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = [
    path("", include("reform.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("imports.api.urls")),
    *router.urls,
]
