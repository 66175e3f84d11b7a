from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Pages over every app; no models of its own."""

    name = "portal"
