"""Reads of the lineage across the 1 July 2025 reorganisation: a unit's successors and predecessors."""
from __future__ import annotations

from collections.abc import Iterable

from .dates import UnitEnd
from .models import Unit, UnitSuccession

# A legacy unit's successions with its default successor first: order 0, then the lowest id. Its records count in
# that one successor's figures (reporting/attribution.py) and are locked by its approvals (reports/locking.py).
DEFAULT_FIRST = ("order", "successor_id")


def default_successor_paths(unit_paths: Iterable[str]) -> dict[str, str]:
    """{legacy unit path: its default successor's path} for the legacy units among `unit_paths` (one query)."""
    found: dict[str, str] = {}
    rows = (UnitSuccession.objects.filter(predecessor__path__in=list(unit_paths), predecessor__valid_until__isnull=False)
            .order_by("predecessor__path", *DEFAULT_FIRST).values_list("predecessor__path", "successor__path"))
    for legacy, successor in rows:
        found.setdefault(legacy, successor)
    return found


def unit_lineage(*, unit: Unit) -> dict[str, list[Unit]]:
    """{"successors": [...], "predecessors": [...]} of `unit` (successors default first), two queries."""
    successors = [row.successor for row in UnitSuccession.objects.filter(predecessor=unit)
                  .select_related("successor").order_by("order", "successor__code")]
    predecessors = list(Unit.objects.filter(successions__successor=unit).distinct().order_by("level", "code"))
    return {"successors": successors, "predecessors": predecessors}


def unit_end(*, unit: Unit | None) -> UnitEnd | None:
    """The end of a legacy unit (its `valid_until` and successors, one query), or None for a current unit."""
    if unit is None or unit.valid_until is None:
        return None
    names = [f"{code} {name}" for code, name in UnitSuccession.objects.filter(predecessor=unit)
             .order_by("order", "successor__code").values_list("successor__code", "successor__name")]
    return UnitEnd(valid_until=unit.valid_until, successors=", ".join(names))


def unit_ends() -> dict[str, UnitEnd]:
    """Every legacy unit's end by code, in two queries (an upload resolves them once per file, never per row)."""
    successors: dict[str, list[str]] = {}
    for pred, code, name in (UnitSuccession.objects.filter(predecessor__valid_until__isnull=False)
                             .order_by("predecessor_id", "order", "successor__code")
                             .values_list("predecessor__code", "successor__code", "successor__name")):
        successors.setdefault(pred, []).append(f"{code} {name}")
    return {code: UnitEnd(valid_until=until, successors=", ".join(successors.get(code, [])))
            for code, until in Unit.objects.legacy().values_list("code", "valid_until")}
