"""Conference endpoints of the API v1 (included under /api/v1/ by reform/urls.py)."""
from reform.api.routers import AppRouter

from .views import ConferenceViewSet

router = AppRouter()
router.register("conferences", ConferenceViewSet, basename="conference")

urlpatterns = router.urls
