"""Loading the real organisation tree (34 provinces, 3,321 communes) from the `vietnam-provinces` package."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, Ward

from .choices import Block, Kind, Level
from .models import PATH_SEPARATOR, Unit

ROOT_CODE = "TW"
ROOT_NAME = "Trung ương"


def province_code(official: int) -> str:
    return f"{official:02d}"


def commune_code(official: int) -> str:
    return f"{official:05d}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def units_load() -> LoadResult:
    """Create or update the root, provinces and communes in a handful of queries; a second run changes nothing."""
    result = LoadResult()
    wanted: list[tuple[str, str, str, str | None]] = [(ROOT_CODE, ROOT_NAME, Level.CENTRAL, None)]
    wanted += [(province_code(p.code.value), p.name, Level.PROVINCIAL, ROOT_CODE) for p in Province.iter_all()]
    wanted += [
        (commune_code(w.code.value), w.name, Level.COMMUNE, province_code(w.province_code.value)) for w in Ward.iter_all()
    ]
    existing = {u.code: u for u in Unit.objects.all()}
    # Parents come before children in `wanted`, so each level can be created in one bulk insert.
    for level in (Level.CENTRAL, Level.PROVINCIAL, Level.COMMUNE):
        to_create, to_update = [], []
        for code, name, lvl, parent_code in wanted:
            if lvl != level:
                continue
            parent = existing[parent_code] if parent_code else None
            path = f"{parent.path if parent else PATH_SEPARATOR}{code}{PATH_SEPARATOR}"
            unit = existing.get(code)
            if unit is None:
                unit = Unit(code=code, name=name, level=lvl, kind=Kind.LOCALITY,
                            block=Block.PARTY if lvl == Level.CENTRAL else Block.STATE,
                            parent=parent, path=path, depth=path.count(PATH_SEPARATOR) - 2)
                to_create.append(unit)
            elif (unit.name, unit.level, unit.parent_id, unit.path) != (name, lvl, parent.pk if parent else None, path):
                unit.name, unit.level, unit.parent, unit.path = name, lvl, parent, path
                unit.depth = path.count(PATH_SEPARATOR) - 2
                to_update.append(unit)
            else:
                result.unchanged += 1
        Unit.objects.bulk_create(to_create, batch_size=1000)
        Unit.objects.bulk_update(to_update, ["name", "level", "parent", "path", "depth"], batch_size=1000)
        result.created += len(to_create)
        result.updated += len(to_update)
        if to_create:
            existing.update({u.code: u for u in Unit.objects.filter(code__in=[u.code for u in to_create])})
    return result
