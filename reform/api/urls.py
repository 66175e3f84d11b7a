"""API endpoints of the core app that are not viewsets (token auth)."""
urlpatterns: list = []
