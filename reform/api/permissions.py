"""Role checks of the API (who may write at all); which rows a user reaches is the querysets' job."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class RecordPermission(BasePermission):
    """Everyone logged in reads (scoped by the queryset); entry officers and administrators write.

    Refusing a reviewer's write here answers 403 before the body is even validated; the services
    check the role again, so no other path can bypass it.
    """

    message = _("Your role cannot change records.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user.is_administrator or user.is_entry_officer


class AdministratorOrReadOnly(BasePermission):
    """Catalogues (units, document types): read by everyone logged in, changed only by administrators."""

    message = _("Only administrators can change this catalogue.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_administrator
