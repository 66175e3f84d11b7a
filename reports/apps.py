from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Period reports")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import pre_delete, pre_save

        from reform import services, sweep, task_access

        from . import locking
        from .services import exports_sweep_stuck

        if locking.write_guard not in services.write_guards:
            services.write_guards.append(locking.write_guard)
        if locking.lock_reader not in services.lock_readers:
            services.lock_readers.append(locking.lock_reader)
        # The model-level safety net: admin pages, scripts and any other direct save or delete.
        for model in locking.locked_models():
            label = model._meta.label_lower
            pre_save.connect(locking.on_pre_save, sender=model, dispatch_uid=f"reports-lock-save-{label}")
            pre_delete.connect(locking.on_pre_delete, sender=model, dispatch_uid=f"reports-lock-delete-{label}")
        task_access.register(self.get_model("ReportExport"))  # an export's task: seen in its unit's subtree
        sweep.sweeper_register("exports", exports_sweep_stuck)
        for label in ("reports.periodreport", "reports.periodreportevent"):
            pre_delete.connect(locking.on_report_pre_delete, sender=apps.get_model(label),
                               dispatch_uid=f"reports-protect-{label}")
