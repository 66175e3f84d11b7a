"""Top-level URLs: the web pages, the admin, and the versioned REST API."""
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The API v1: each app's endpoints (its viewsets on a router of its own); the API root lists them all.
    path("api/v1/", include("reform.api.urls")),
    path("api/v1/", include("documents.api.urls")),
    path("api/v1/", include("meetings.api.urls")),
    path("api/v1/", include("reporting.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/v1/", include("imports.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script (CSP).
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("documents/", include("documents.urls")),
    path("conferences/", include("meetings.urls")),
    path("dashboard/", include("reporting.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    path("", include("portal.urls")),
    path("", include("reform.web_urls")),
]
