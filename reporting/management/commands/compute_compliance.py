"""python manage.py compute_compliance --year Y [--unit CODE]: run the compliance engine synchronously."""
from django.core.management.base import BaseCommand, CommandError

from reform.models import Unit
from reporting.choices import RunTrigger
from reporting.runs import compute_recorded


class Command(BaseCommand):
    help = "Compute every target of Conclusion 226-KL/TW for a year (whole country or one unit's subtree)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="Code of the unit whose subtree to compute (default: every unit).")
        parser.add_argument("--quiet-progress", action="store_true", help="Do not print progress lines.")

    def handle(self, *args, year: int, unit: str | None = None, quiet_progress: bool = False, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"Year {year} is out of range.")
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"No unit with code {unit!r}.")

        def progress(done: int, total: int) -> None:
            if not quiet_progress and options.get("verbosity", 1) >= 1:
                self.stdout.write(f"  {done}/{total} units")

        summary = compute_recorded(year=year, unit=scope, progress=progress, trigger=RunTrigger.COMMAND)
        self.stdout.write(self.style.SUCCESS(
            f"Computed {summary.year} for {summary.units} units"
            f"{' under ' + scope.code if scope else ''}: {summary.results} results, {summary.rollups} roll-ups, "
            f"{summary.queries} queries, {summary.seconds:.2f} s"
        ))
