"""`manage.py create_user USERNAME --role entry|reviewer|admin [--unit CODE] [--password P]`."""
import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reform.choices import Role
from reform.models import Unit, User


class Command(BaseCommand):
    help = "Create (or update) a user with a role; entry officers need a unit."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--unit", help="Unit code (required for entry officers).")
        parser.add_argument("--password", help="Password; a random one is generated and printed if omitted.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, unit, password, email, **options):
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f"No unit with code {unit!r}. Run `manage.py load_units` first?")
        if role == Role.ENTRY and unit_obj is None:
            raise CommandError("An entry officer needs --unit CODE.")
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.unit, user.email = role, unit_obj, email or user.email
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:  # AUTH_PASSWORD_VALIDATORS, as the admin's password form applies them
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("--password: " + " ".join(error.messages)) from error
        user.set_password(password)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
        user.save()
        shown = f" with password {password}" if generated else ""
        self.stdout.write(self.style.SUCCESS(f"User {username} ({role}{', ' + unit if unit else ''}){shown}."))
