from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Conferences")

    def ready(self) -> None:
        from reform import thresholds

        from .choices import Category

        thresholds.conference_categories_register(Category.values)
