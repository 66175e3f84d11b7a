"""Roll-ups of a locality's subtree: units per status and the aggregate figure, from a vector of summed counts.

Shared by the engine (which stores the roll-ups of localities that have units below them) and the summary
selector (which derives a leaf locality's roll-up from its own results, the same way, on reading).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from reform.models import Target, TargetThreshold

from . import rules
from .choices import Status


class Vector(NamedTuple):
    """A roll-up vector of one (period, target): the units in each status, then the summed counts of the units it
    applies to. The engine adds the units' vectors up the tree; one unit's is 1 in its status and its own counts.
    The engine keeps a unit's vectors of every (period, target) end to end in one flat list (VECTOR numbers each)."""

    n_met: int = 0
    n_missed: int = 0
    n_no_baseline: int = 0
    n_no_data: int = 0
    n_not_applicable: int = 0
    numerator: int = 0
    denominator: int = 0
    baseline: int = 0

    @classmethod
    def of_unit(cls, status: str, numerator: int = 0, denominator: int = 0, baseline: int = 0) -> Vector:
        return cls(**{f"n_{status}": 1}, numerator=numerator, denominator=denominator, baseline=baseline)


VECTOR = len(Vector._fields)
SUMS = Vector._fields.index("numerator")  # where a vector's summed counts start, after its status counts
STATUS_INDEX = {status: Vector._fields.index(f"n_{status}") for status in
                (Status.MET, Status.MISSED, Status.NO_BASELINE, Status.NO_DATA, Status.NOT_APPLICABLE)}
# What a judged vector gives, in ComplianceRollup's column order after (unit, year, period, target).
FIGURES = ("n_met", "n_missed", "n_no_baseline", "n_no_data", "n_not_applicable", "n_units", "status", "value",
           "threshold", "numerator", "denominator", "baseline", "computed_at")


class RollupJudge:
    """Judges subtree vectors; identical vectors (common: communes without records) are judged once."""

    def __init__(self, *, targets: dict[str, Target], thresholds: dict[str, TargetThreshold], now=None) -> None:
        self.targets, self.thresholds, self.now = targets, thresholds, now
        self.memo: dict[tuple, tuple] = {}

    def figures(self, code: str, vector: Iterable[int]) -> tuple:
        """The FIGURES of target `code` for a subtree whose summed vector is `vector` (computed_at: `now`).
        Identical vectors get the very same tuple, which the engine's COPY formats once."""
        vector = Vector(*vector)
        key = (code, vector)
        judged = self.memo.get(key)
        if judged is None:
            threshold = self.thresholds.get(code)
            if threshold is None:  # before the target applies: no verdict, but the summed counts still hold
                result = rules.not_applicable(numerator=vector.numerator, denominator=vector.denominator,
                                              baseline=vector.baseline)
            else:
                result = rules.aggregate(
                    self.targets[code].comparison, threshold.threshold, numerator=vector.numerator,
                    denominator=vector.denominator, baseline=vector.baseline,
                    status_counts={status: vector[i] for status, i in STATUS_INDEX.items()},
                )
            units = vector[:SUMS]
            judged = self.memo[key] = (
                *units, sum(units), str(result.status), result.value, result.threshold,
                result.numerator, result.denominator, result.baseline, self.now,
            )
        return judged


def vector_of_sums(row: dict[str, Any]) -> Vector:
    """The vector of a `selectors.rollup_sums_for` row (status counts and sums over the stored results)."""
    return Vector(row["n_met"], row["n_missed"], row["n_no_baseline"], row["n_no_data"], row["n_not_applicable"],
                  row["sum_numerator"] or 0, row["sum_denominator"] or 0, row["sum_baseline"] or 0)
