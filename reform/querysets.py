"""Reusable query chains; `visible_to`/`editable_by` are the one scoping mechanism of the whole app.

Scoping follows the lineage of the 1 July 2025 reorganisation: besides its subtree, an officer reaches the legacy
units whose successors lie in it (a province officer every legacy unit that became part of the province, a
commune officer its predecessor communes); a divided legacy unit is edited from its default successor only and
read from all. One subquery on the successions, no extra query.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from .models import Unit, User


def predecessors_within(unit: "Unit", *, default_only: bool = False) -> models.QuerySet:
    """The ids of the legacy units with a successor in `unit`'s subtree (its default successor with `default_only`)."""
    successions = apps.get_model("reform", "UnitSuccession").objects.filter(successor__path__startswith=unit.path)
    if default_only:
        successions = successions.filter(order=0)
    return successions.values("predecessor_id")


class UnitQuerySet(models.QuerySet):
    def current(self) -> "UnitQuerySet":
        """Units that exist today (legacy units of before 1 July 2025 have a `valid_until`)."""
        return self.filter(valid_until__isnull=True)

    def legacy(self) -> "UnitQuerySet":
        return self.filter(valid_until__isnull=False)

    def subtree(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and every unit below it (a prefix match on the materialized path)."""
        return self.filter(path__startswith=unit.path)

    def reached_from(self, unit: "Unit", *, editing: bool = False) -> "UnitQuerySet":
        """The unit's subtree and the legacy units it succeeds (by default successor only when `editing`)."""
        return self.filter(Q(path__startswith=unit.path) | Q(pk__in=predecessors_within(unit, default_only=editing)))

    def visible_to(self, user: "User") -> "UnitQuerySet":
        if user.sees_everything:
            return self
        if user.unit_id is None:
            return self.none()
        return self.reached_from(user.unit)

    def editable_by(self, user: "User") -> "UnitQuerySet":
        if user.is_administrator:
            return self
        if not user.is_entry_officer or user.unit_id is None:
            return self.none()
        return self.reached_from(user.unit, editing=True)


class RecordQuerySet(models.QuerySet):
    """Records that belong to a unit (documents, conferences, digitisation reports)."""

    def in_subtree(self, unit: "Unit") -> "RecordQuerySet":
        return self.filter(unit__path__startswith=unit.path)

    def reached_from(self, unit: "Unit", *, editing: bool = False) -> "RecordQuerySet":
        """Records of the unit's subtree and of the legacy units it succeeds (`UnitQuerySet.reached_from`)."""
        return self.filter(Q(unit__path__startswith=unit.path)
                           | Q(unit_id__in=predecessors_within(unit, default_only=editing)))

    def visible_to(self, user: "User") -> "RecordQuerySet":
        """Reviewers and administrators read everything; an entry officer their unit's subtree and predecessors."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.unit_id is None:
            return self.none()
        return self.reached_from(user.unit)

    def editable_by(self, user: "User") -> "RecordQuerySet":
        """Reviewers edit nothing; an entry officer edits their subtree and the legacy units whose default successor
        is in it; administrators edit all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if not user.is_entry_officer or user.unit_id is None:
            return self.none()
        return self.reached_from(user.unit, editing=True)
