"""The one router of the REST API v1; apps with non-viewset endpoints add their own url modules below."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from documents.api.views import DigitizationReportViewSet, DocumentTypeViewSet, DocumentViewSet
from meetings.api.views import ConferenceViewSet
from reform.api.views import UnitViewSet
from reporting.api.views import SignalViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("document-types", DocumentTypeViewSet, basename="document-type")
router.register("documents", DocumentViewSet, basename="document")
router.register("conferences", ConferenceViewSet, basename="conference")
router.register("digitization-reports", DigitizationReportViewSet, basename="digitization-report")
router.register("signals", SignalViewSet, basename="signal")

urlpatterns = [
    path("", include("reform.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("imports.api.urls")),
    *router.urls,
]
