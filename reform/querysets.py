"""Reusable query chains, and the one scoping mechanism of the whole app: `UnitScopedQuerySet`.

Every unit-owned object (units, the registers' records, compliance results and roll-ups, signals, period reports
and exports) is read through `visible_to(user)` and changed through `editable_by(user)` of its manager, a
`UnitScopedQuerySet` told the path from the row to its unit; the views apply it through the shared mixins
(`reform.mixins`, `reform.api.views.ScopedQuerysetMixin`), so another unit's object is a 404. A subtree is
`in_subtree(unit)` (or `subtree_q` inside a larger Q), the prefix match on the materialized path written once.

Scoping follows the lineage of the 1 July 2025 reorganisation: besides its subtree, an officer reaches the legacy
units whose successors lie in it (a province officer every legacy unit that became part of the province, a
commune officer its predecessor communes); a divided legacy unit is edited from its default successor only and
read from all. One subquery on the successions, no extra query.

Uploads belong to a person, not a unit: `OwnedQuerySet` gives them the same two methods (their uploader's, and
every upload for administrators), so the same mixins apply.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from .models import Unit, User


def _lookup(via: str, name: str) -> str:
    """`name` reached through the relation path `via` ("" is the unit itself)."""
    return f"{via}__{name}" if via else name


def unit_path(unit: "Unit | Mapping | str") -> str:
    """The materialized path of a unit, of a row of `.values()` holding one, or a path itself."""
    if isinstance(unit, str):
        return unit
    if isinstance(unit, Mapping):
        return unit["path"]
    return unit.path


def subtree_q(unit: "Unit | Mapping | str", *, via: str = "unit") -> Q:
    """Rows whose unit (reached through `via`; "" for units themselves) is `unit` or below it.

    A prefix match on the materialized path, which the `unit_path_prefix_idx` index serves on PostgreSQL. The path
    ends with the separator, so unit 01 never takes in unit 010's subtree.
    """
    return Q(**{_lookup(via, "path__startswith"): unit_path(unit)})


def predecessors_within(unit: "Unit", *, default_only: bool = False) -> models.QuerySet:
    """The ids of the legacy units with a successor in `unit`'s subtree (its default successor with `default_only`)."""
    successions = apps.get_model("reform", "UnitSuccession").objects.filter(subtree_q(unit, via="successor"))
    if default_only:
        successions = successions.filter(order=0)
    return successions.values("predecessor_id")


class UnitScopedQuerySet(models.QuerySet):
    """Rows that belong to a unit, scoped to what a user may read (`visible_to`) or change (`editable_by`).

    `unit_field` is the path from a row to its unit: "unit" for every unit-owned model, "" for the units
    themselves; a model whose unit lies further away subclasses it with its own path (e.g. "report__unit").
    Reviewers and administrators read everything; an entry officer their unit's subtree and the legacy units it
    succeeds; anonymous users and officers without a unit nothing. Reviewers change nothing, administrators all,
    an entry officer their subtree and the legacy units whose default successor lies in it.
    """

    unit_field = "unit"

    def in_subtree(self, unit: "Unit | Mapping | str") -> "UnitScopedQuerySet":
        """Rows of `unit` and of every unit below it."""
        return self.filter(subtree_q(unit, via=self.unit_field))

    def reached_from(self, unit: "Unit", *, editing: bool = False) -> "UnitScopedQuerySet":
        """Rows of the unit's subtree and of the legacy units it succeeds (by default successor only when `editing`)."""
        predecessors = predecessors_within(unit, default_only=editing)
        return self.filter(subtree_q(unit, via=self.unit_field)
                           | Q(**{_lookup(self.unit_field or "pk", "in"): predecessors}))

    def visible_to(self, user: "User") -> "UnitScopedQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.unit_id is None:
            return self.none()
        return self.reached_from(user.unit)

    def editable_by(self, user: "User") -> "UnitScopedQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if not user.is_entry_officer or user.unit_id is None:
            return self.none()
        return self.reached_from(user.unit, editing=True)


class UnitQuerySet(UnitScopedQuerySet):
    """The unit tree itself, scoped like every unit-owned row (a unit is its own unit)."""

    unit_field = ""

    def current(self) -> "UnitQuerySet":
        """Units that exist today (legacy units of before 1 July 2025 have a `valid_until`)."""
        return self.filter(valid_until__isnull=True)

    def legacy(self) -> "UnitQuerySet":
        return self.filter(valid_until__isnull=False)


class OwnedQuerySet(models.QuerySet):
    """Rows that belong to the person who made them (uploads), with the scoping methods of `UnitScopedQuerySet`:
    their owner reads them, administrators read all; nobody else, not even a reviewer or an officer of the unit."""

    owner_field = "user"

    def visible_to(self, user: "User") -> "OwnedQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        return self.filter(**{self.owner_field: user})

    def editable_by(self, user: "User") -> "OwnedQuerySet":
        return self.visible_to(user)


def scoped_queryset(model: type[models.Model], user, *, write: bool = False) -> models.QuerySet:
    """The rows of `model` the user may read (`visible_to`) or, for a write, change (`editable_by`): what every
    view mixin of the web pages and the API reads through."""
    manager = model._default_manager
    return manager.editable_by(user) if write else manager.visible_to(user)
