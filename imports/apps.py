from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Bulk uploads")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete, pre_save

        from reform import sweep, task_access

        from .columns import MODELS
        from .history import keep_creation_receiver
        from .services import imports_sweep_stuck

        task_access.register(self.get_model("ImportBatch"))  # an upload's task is its uploader's
        sweep.sweeper_register("uploads", imports_sweep_stuck)
        # A record an upload created gets its `+` history row before its first change, whatever path makes it.
        for model in MODELS.values():
            for signal in (pre_save, pre_delete):
                signal.connect(keep_creation_receiver, sender=model, dispatch_uid=f"keep_creation.{model._meta.label}")
