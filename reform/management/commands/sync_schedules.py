"""`manage.py sync_schedules`: install the periodic tasks declared in reform/schedules.py (idempotent)."""
from django.core.management.base import BaseCommand

from reform.schedules import schedules_sync


class Command(BaseCommand):
    help = ("Create the django-celery-beat periodic tasks declared in reform/schedules.py and update their task and "
            "description, keeping the timing set in the admin (unless --reset); safe to re-run.")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--reset", action="store_true",
                            help="Also put back the declared timing and kwargs of tasks an administrator changed.")

    def handle(self, *args, **options):
        counts = schedules_sync(using=options["database"], reset=options["reset"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Schedules: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
