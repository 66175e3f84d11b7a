"""The records of the legacy units (until the 1 July 2025 reorganisation) in the figures of their successors.

A legacy province's or commune's records count in its default successor's own figures; a legacy district's only in
its successor province's subtree roll-up (in no unit's own figures). Each record is thus counted once. Used by the
engine (reporting/services.py) on the aggregates it read.
"""
from __future__ import annotations

import datetime
import itertools
from types import SimpleNamespace

from reform.choices import Kind, Level
from reform.models import Unit

from . import selectors
from . import targets as catalogue
from .rollups import SUMS, VECTOR


def add_measures(into: dict[str, list[int]], measures: dict[str, list[int]]) -> None:
    """Add per-quarter measures (`{measure: [q1, q2, q3, q4]}`) into `into`, in place."""
    for measure, quarters in measures.items():
        have = into.get(measure)
        into[measure] = quarters if have is None else [a + b for a, b in zip(have, quarters)]


def attribute(lineage: dict[int, tuple[int, bool]], sources: tuple[dict, ...], offenders: dict[str, dict]
              ) -> tuple[dict[int, dict[str, list[int]]], dict[int, dict[str, list[int]]]]:
    """Move the legacy units' aggregated records to their default successor, in place: a legacy province's or
    commune's into the successor's own figures (and offending conferences), a legacy district's aside, for its
    successor province's subtree roll-up only. Each record is thus counted once. Returns ({unit id: what it
    received, per measure and quarter}, {province id: its legacy districts' sums})."""
    inherited: dict[int, dict[str, list[int]]] = {}
    districts: dict[int, dict[str, list[int]]] = {}
    for source in sources:
        for legacy_id in [uid for uid in source if uid in lineage]:
            successor, own = lineage[legacy_id]
            measures = source.pop(legacy_id)
            targets = [inherited.setdefault(successor, {}), source.setdefault(successor, {})] if own else [
                districts.setdefault(successor, {})]
            for target in targets:
                add_measures(target, measures)
    for by_unit in offenders.values():
        for legacy_id in [uid for uid in by_unit if uid in lineage]:
            successor, own = lineage[legacy_id]
            rows = by_unit.pop(legacy_id)
            if own:
                by_unit[successor] = sorted([*by_unit.get(successor, []), *rows], key=lambda r: (r["held_on"], r["id"]))
    return inherited, districts


def numbers_of(sums: dict[str, list[int]], quarter: int, numerator, denominator, baseline, offending
               ) -> tuple[int, int, int]:
    """(numerator, denominator, baseline) of a target (what it reads) from to-date sums up to `quarter`."""
    def get(measure):
        return sums[measure][quarter - 1] if measure and measure in sums else 0
    d = get(denominator)
    return (d - get(offending) if offending else get(numerator), d, get(baseline))


def districts_above(*, year: int, ancestors: list[dict], as_of: datetime.date, reduction_types: list[str],
                    hybrid_online: bool, rules: dict, periods, targets, thresholds) -> dict[int, list[int]]:
    """{ancestor id: the roll-up vector (over all keys) of the legacy districts below it}: what the localities above
    a recomputed subtree must add to the sums of their stored results, since a district's records count only in
    its successor province's subtree (in no unit's own figures). Four queries, and only above a subtree."""
    if not ancestors:
        return {}
    top = SimpleNamespace(path=ancestors[-1]["path"])  # the shallowest: every district below any of them
    found = {legacy: successor for legacy, (successor, own) in selectors.lineage(unit=top).items() if not own}
    if not found:
        return {}
    ids, scope = list(found), selectors.NO_SUBTREE
    sources = (
        selectors.document_counts(year=year, unit=scope, reduction_types=reduction_types, as_of=as_of,
                                  predecessors=ids),
        selectors.conference_counts(year=year, unit=scope, hybrid_online=hybrid_online, as_of=as_of, rules=rules,
                                    predecessors=ids),
        selectors.digitization_sums(year=year, unit=scope, predecessors=ids),
    )
    by_province: dict[int, dict[str, list[int]]] = {}
    for source in sources:
        for district, measures in source.items():
            add_measures(by_province.setdefault(found[district], {}), measures)
    paths = dict(Unit.objects.filter(pk__in=list(by_province)).values_list("pk", "path"))
    empty = [0] * (VECTOR * len(periods) * len(targets))
    out = {}
    for ancestor in ancestors:
        vector = empty
        for province, sums in by_province.items():
            if paths[province].startswith(ancestor["path"]):
                vector = with_district(vector, sums, periods, targets, thresholds)
        out[ancestor["id"]] = vector
    return out


def with_district(vector: list[int], sums: dict[str, list[int]], periods, targets, thresholds) -> list[int]:
    """A province's roll-up vector with its legacy districts' summed counts added (no unit counted: they get no
    result). Caps apply to localities of a level a district never is."""
    running = {measure: list(itertools.accumulate(quarters)) for measure, quarters in sums.items()}
    district = {"kind": Kind.LOCALITY, "level": Level.DISTRICT}
    vector = list(vector)
    i = 0
    for _period, last_quarter, _end in periods:
        for target in targets:
            if thresholds.get(target.code) is None or catalogue.applies(target, district):
                m = catalogue.CATALOGUE[target.code].reads
                part = numbers_of(running, last_quarter, m.numerator, m.denominator, m.baseline, m.offending)
                for k in range(3):
                    vector[VECTOR * i + SUMS + k] += part[k]
            i += 1
    return vector
