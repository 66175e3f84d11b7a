"""`manage.py demo_data [--scale small|national] [--seed N] [--years 2024 2025 2026]`: synthetic records."""
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.catalogues import DEFAULT_YEARS, SMALL_PROVINCES
from demo.services import demo_data_load


class Command(BaseCommand):
    help = (
        "Generate realistic, reproducible synthetic documents, conferences and digitisation reports for the "
        "given years (up to today, never a future date). --scale small (default) covers the centre, provinces "
        f"{', '.join(SMALL_PROVINCES)} with all their communes and a few agencies; --scale national covers every "
        "unit (millions of documents, bulk-loaded with COPY on PostgreSQL). Units are loaded first if there are "
        "none. Re-running REPLACES the records of the same units and years that have no audit trail (earlier "
        "demo loads); records entered by people through the app (they have an audit trail) are kept and never "
        "duplicated. The same seed gives the same records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "national"], default="small")
        parser.add_argument("--seed", type=int, default=226, help="Random seed (default 226).")
        parser.add_argument("--years", type=int, nargs="+", default=list(DEFAULT_YEARS),
                            help="Years to generate (default: 2024 2025 2026; the current year up to today).")
        parser.add_argument("--provinces", nargs="+", metavar="CODE",
                            help=f"Province codes to cover instead of the default small set ({' '.join(SMALL_PROVINCES)}).")
        parser.add_argument("--max-communes", type=int, metavar="N",
                            help="At most N communes per province (the first by code); for quick tests.")
        parser.add_argument("--volume", type=float, default=1.0,
                            help="Multiply every unit's yearly volume of records (default 1.0; e.g. 0.1 for tests).")
        parser.add_argument("--no-compute", action="store_true",
                            help="Do not run compute_compliance for the years afterwards.")

    def handle(self, *args, scale, seed, years, provinces, max_communes, volume, no_compute, **options):
        if volume <= 0:
            raise CommandError("--volume must be positive.")
        if max_communes is not None and max_communes < 0:
            raise CommandError("--max-communes cannot be negative.")
        self.stdout.write(f"Demo data: scale {scale}, seed {seed}, years {' '.join(map(str, sorted(set(years))))}, "
                          f"up to {timezone.localdate():%Y-%m-%d}.")
        try:
            result = demo_data_load(scale=scale, seed=seed, years=years, provinces=provinces,
                                    max_communes=max_communes, volume=volume, progress=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"{result.units:,} units ({result.agencies_created} agencies created): {result.documents:,} documents, "
            f"{result.conferences:,} conferences, {result.reports:,} digitisation reports in {result.seconds:.1f} s."
        ))
        # Charts read precomputed results only, so compute them when the engine is installed.
        if not no_compute and "compute_compliance" in get_commands():
            for year in sorted(set(years)):
                call_command("compute_compliance", year=year, verbosity=0, stdout=self.stdout, stderr=self.stderr)
