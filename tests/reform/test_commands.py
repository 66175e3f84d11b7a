"""`manage.py create_user`: roles, the unit an entry officer needs, and clear errors."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from reform.models import User


def create_user(*args, **options) -> str:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out, **options)
    return out.getvalue()


def test_entry_officer_is_bound_to_the_unit_given(tree):
    create_user("officer", role="entry", unit="00070", password="s3cret-passw0rd")
    user = User.objects.get(username="officer")
    assert (user.role, user.unit.code, user.is_staff, user.is_superuser) == ("entry", "00070", False, False)
    assert user.check_password("s3cret-passw0rd")


def test_entry_officer_without_unit_is_refused(tree):
    with pytest.raises(CommandError, match="--unit"):
        create_user("officer", role="entry")
    assert not User.objects.filter(username="officer").exists()


def test_unknown_unit_is_refused_with_its_code(tree):
    with pytest.raises(CommandError, match="99999"):
        create_user("officer", role="entry", unit="99999")
    assert not User.objects.filter(username="officer").exists()


def test_reviewer_needs_no_unit_and_cannot_reach_the_admin(tree):
    create_user("rev", role="reviewer", password="s3cret-passw0rd")
    user = User.objects.get(username="rev")
    assert (user.role, user.unit, user.is_staff) == ("reviewer", None, False)


def test_administrator_can_use_the_django_admin(tree):
    create_user("boss", role="admin", password="s3cret-passw0rd")
    user = User.objects.get(username="boss")
    assert user.role == "admin" and user.is_staff and user.is_superuser


def test_password_is_generated_and_printed_when_not_given(tree):
    output = create_user("rev", role="reviewer")
    password = output.rsplit("with password ", 1)[1].rstrip(".\n")
    assert len(password) >= 12
    assert User.objects.get(username="rev").check_password(password)


def test_running_again_updates_the_user_instead_of_failing(tree):
    create_user("someone", role="entry", unit="01", password="first-passw0rd")
    create_user("someone", role="reviewer", password="second-passw0rd")
    user = User.objects.get(username="someone")
    assert User.objects.filter(username="someone").count() == 1
    assert (user.role, user.check_password("second-passw0rd")) == ("reviewer", True)


def test_unknown_role_is_refused(tree):
    with pytest.raises(CommandError):
        create_user("x", role="superhero")


@pytest.mark.parametrize("password", ["123", "password123", "short1"])
def test_a_password_the_validators_refuse_is_refused_with_their_messages(tree, password):
    with translation.override("en"), pytest.raises(CommandError, match="--password: ") as refused:
        create_user("rev", role="reviewer", password=password)
    message = str(refused.value)
    assert "This password is too short" in message or "This password is too common" in message
    assert not User.objects.filter(username="rev").exists()


def test_a_refused_password_leaves_an_existing_user_unchanged(tree):
    create_user("rev", role="reviewer", password="s3cret-passw0rd")
    with pytest.raises(CommandError):
        create_user("rev", role="admin", password="123")
    user = User.objects.get(username="rev")
    assert (user.role, user.check_password("s3cret-passw0rd")) == ("reviewer", True)


@pytest.mark.parametrize("username,role,password", [
    ("demo-reviewer", "reviewer", "reviewer-demo-2026"), ("demo-admin", "admin", "admin-demo-2026"),
])
def test_the_make_demo_passwords_pass_the_validators(tree, username, role, password):
    create_user(username, role=role, password=password)
    assert User.objects.get(username=username).check_password(password)
