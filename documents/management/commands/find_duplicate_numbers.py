"""python manage.py find_duplicate_numbers [--unit CODE] [--year Y]: list the documents registered twice.

A number is compared normalised (`456/qđ-ubnd` is `456/QĐ-UBND`); documents registered before that rule
may repeat one. Nothing is merged or deleted: people resolve each group in the register (correct a
number, or delete the repeated record), and saving a repeated record is refused until then.
"""
from django.core.management.base import BaseCommand, CommandError

from documents.selectors import repeated_numbers
from reform.models import Unit


class Command(BaseCommand):
    help = "List the documents whose numbers are the same once normalised (same unit and year), for people to resolve."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Code of the unit whose subtree to look in (default: every unit).")
        parser.add_argument("--year", type=int, help="Only this year (default: every year).")

    def handle(self, *args, unit: str | None = None, year: int | None = None, **options):
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"No unit with code {unit!r}.")
        groups = sorted(repeated_numbers(unit=scope, year=year), key=lambda g: (g.unit_code, g.year, g.key))
        for group in groups:
            numbers = ", ".join(f"{number!r} (id {pk})" for pk, number in group.documents)
            self.stdout.write(f"{group.unit_code}\t{group.year}\t{numbers}")
        if not groups:
            self.stdout.write(self.style.SUCCESS("No document number is registered twice."))
            return
        documents = sum(len(group.documents) for group in groups)
        self.stdout.write(self.style.WARNING(
            f"{len(groups)} number(s) registered more than once, {documents} documents: correct the numbers or "
            f"delete the repeated records (the first id of each line is the first registered)."
        ))
