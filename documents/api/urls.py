"""Document endpoints of the API v1 (included under /api/v1/ by reform/urls.py)."""
from reform.api.routers import AppRouter

from .views import DigitizationReportViewSet, DocumentTypeViewSet, DocumentViewSet

router = AppRouter()
router.register("document-types", DocumentTypeViewSet, basename="document-type")
router.register("documents", DocumentViewSet, basename="document")
router.register("digitization-reports", DigitizationReportViewSet, basename="digitization-report")

urlpatterns = router.urls
