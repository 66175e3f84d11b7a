"""URL patterns (filled in by the issue that builds them)."""
urlpatterns: list = []
