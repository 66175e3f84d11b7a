from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Compliance and reports")

    def ready(self) -> None:
        from reform import sweep

        from . import receivers
        from .runs import runs_sweep_lost

        receivers.connect(self)
        sweep.sweeper_register("compute_runs", runs_sweep_lost)
