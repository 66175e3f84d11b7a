"""Reads of the lineage across the 1 July 2025 reorganisation: a unit's successors and predecessors."""
from __future__ import annotations

from .models import Unit, UnitSuccession


def unit_lineage(*, unit: Unit) -> dict[str, list[Unit]]:
    """{"successors": [...], "predecessors": [...]} of `unit` (successors default first), two queries."""
    successors = [row.successor for row in UnitSuccession.objects.filter(predecessor=unit)
                  .select_related("successor").order_by("order", "successor__code")]
    predecessors = list(Unit.objects.filter(successions__successor=unit).distinct().order_by("level", "code"))
    return {"successors": successors, "predecessors": predecessors}
