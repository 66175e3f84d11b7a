from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic records for demos and benchmarks; no models of its own."""

    name = "demo"
