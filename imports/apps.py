from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Bulk uploads")

    def ready(self) -> None:
        from reform import sweep, task_access

        from .services import imports_sweep_stuck

        task_access.register(self.get_model("ImportBatch"))  # an upload's task is its uploader's
        sweep.sweeper_register("uploads", imports_sweep_stuck)
