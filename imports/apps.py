from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Bulk uploads")

    def ready(self) -> None:
        from reform import sweep, task_access

        from .services import imports_sweep_stuck

        task_access.register(upload_task_of)
        sweep.sweeper_register("uploads", imports_sweep_stuck)


def upload_task_of(user, task_id: str) -> bool:
    """An upload's task is its uploader's (uploads are scoped by owner)."""
    from .models import ImportBatch

    return ImportBatch.objects.filter(task_id=task_id, user=user).exists()
