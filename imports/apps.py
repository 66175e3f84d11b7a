from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Bulk uploads")

    def ready(self) -> None:
        from reform import task_access

        # An upload's task is its uploader's (uploads are scoped by owner).
        task_access.register(self.get_model("ImportBatch"))
