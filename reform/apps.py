from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformConfig(AppConfig):
    name = "reform"
    verbose_name = _("Organisation and targets")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
