"""Reusable query chains; `visible_to`/`editable_by` are the one scoping mechanism of the whole app."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import Unit, User


class UnitQuerySet(models.QuerySet):
    def current(self) -> "UnitQuerySet":
        """Units that exist today (legacy units of before 1 July 2025 have a `valid_until`)."""
        return self.filter(valid_until__isnull=True)

    def legacy(self) -> "UnitQuerySet":
        return self.filter(valid_until__isnull=False)

    def subtree(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and every unit below it (a prefix match on the materialized path)."""
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user: "User") -> "UnitQuerySet":
        if user.sees_everything:
            return self
        if user.unit_id is None:
            return self.none()
        return self.subtree(user.unit)

    def editable_by(self, user: "User") -> "UnitQuerySet":
        if user.is_administrator:
            return self
        if not user.is_entry_officer or user.unit_id is None:
            return self.none()
        return self.subtree(user.unit)


class RecordQuerySet(models.QuerySet):
    """Records that belong to a unit (documents, conferences, digitisation reports)."""

    def in_subtree(self, unit: "Unit") -> "RecordQuerySet":
        return self.filter(unit__path__startswith=unit.path)

    def visible_to(self, user: "User") -> "RecordQuerySet":
        """Reviewers and administrators read everything; an entry officer only their unit's subtree."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.unit_id is None:
            return self.none()
        return self.in_subtree(user.unit)

    def editable_by(self, user: "User") -> "RecordQuerySet":
        """Reviewers edit nothing; an entry officer edits their subtree; administrators edit all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if not user.is_entry_officer or user.unit_id is None:
            return self.none()
        return self.in_subtree(user.unit)
