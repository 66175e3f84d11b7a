"""`manage.py sync_schedules`: install the periodic tasks declared in reform/schedules.py (idempotent)."""
from django.core.management.base import BaseCommand

from reform.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create or update the django-celery-beat periodic tasks declared in reform/schedules.py; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        counts = schedules_sync(using=options["database"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Schedules: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
