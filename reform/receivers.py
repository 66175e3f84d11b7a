"""Signal receivers of the core: a user's new password revokes every API token they hold; SQLite learns the unit
search's folding function."""
from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models.signals import post_save
from django.dispatch import receiver
from knox.models import get_token_model

from .models import User
from .unitsearch import register_sqlite_functions

connection_created.connect(register_sqlite_functions, dispatch_uid="reform.sqlite_fold")


@receiver(post_save, sender=User, dispatch_uid="reform.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    """`set_password()` by any path (the admin, a form, `create_user`, the shell) ends the user's API tokens.

    `set_password()` keeps the raw password in `_password` until `save()` has run the validators'
    `password_changed` hooks, so it marks a real change; a hash upgrade at login (same password) does not.
    Django's own session hash already ends the user's other web sessions.
    """
    if created or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    get_token_model().objects.filter(user=instance).delete()
