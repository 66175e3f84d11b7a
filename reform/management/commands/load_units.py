"""`manage.py load_units`: load the root, the 34 provinces and the 3,321 communes (idempotent)."""
from django.core.management.base import BaseCommand

from reform.units import units_load


class Command(BaseCommand):
    help = "Load the real provinces and communes (vietnam-provinces 2025.10.1) into the unit tree; safe to re-run."

    def handle(self, *args, **options):
        result = units_load()
        self.stdout.write(
            self.style.SUCCESS(f"Units: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
        )
