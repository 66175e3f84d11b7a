"""`manage.py load_units`: load the root, the provinces and communes, current and legacy, and the lineage (idempotent)."""
from django.core.management.base import BaseCommand, CommandError

from reform.units import UnitLoadError, units_load


class Command(BaseCommand):
    help = ("Load the real provinces and communes (vietnam-provinces 2025.10.1) and the legacy provinces, districts "
            "and communes until 30 June 2025 with their successors (vietnamadminunits 1.0.4); safe to re-run.")

    def add_arguments(self, parser):
        parser.add_argument("--list-code-differences", action="store_true",
                            help="List the current communes whose code differs between the two packages.")

    def handle(self, *args, **options):
        try:
            result = units_load()
        except UnitLoadError as error:
            raise CommandError(str(error)) from error
        if options["list_code_differences"]:
            for province, name, ours, theirs in result.codes_disagree:
                self.stdout.write(f"{province}\t{name}\t{ours}\t{theirs}")
        self.stdout.write(self.style.SUCCESS(
            f"Units: {result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
            f"{result.successions} successions written; {len(result.codes_disagree)} communes whose code differs "
            f"in vietnamadminunits (matched by province and name)."))
