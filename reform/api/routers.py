"""The routers of the API v1: each app registers its viewsets on an `AppRouter` of its own, in its `api/urls.py`,
and the one API root (`/api/v1/`, served by reform/api/urls.py) lists every app's registrations."""
from __future__ import annotations

from django.urls import path
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

# prefix -> the URL name of its list, in the order the apps register them: what the API root lists.
API_ROOT: dict[str, str] = {}


class AppRouter(DefaultRouter):
    """An app's router: DefaultRouter's routes and format suffixes, its lists on the shared API root, no root of its own."""

    include_root_view = False

    def register(self, prefix, viewset, basename=None) -> None:
        super().register(prefix, viewset, basename)
        API_ROOT[prefix] = self.routes[0].name.format(basename=self.registry[-1][2])


def api_root_urls() -> list:
    """`/api/v1/` (and its format suffixes), named `api-root`: links to the list of every registered viewset."""
    return format_suffix_patterns([path("", APIRootView.as_view(api_root_dict=API_ROOT), name="api-root")])
