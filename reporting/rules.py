"""The rules of Conclusion 226-KL/TW as pure functions: plain numbers in, a RuleResult out (no database).

Decisions are made on exact fractions (integer arithmetic against the Decimal threshold), so exactly 15 % is
met and 14.99 % is missed whatever the counts; the stored value is the fraction rounded to 4 decimals
(ROUND_HALF_UP), for display only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reform.choices import Comparison

from .choices import Status

FOUR_PLACES = 10_000


@dataclass(frozen=True)
class RuleResult:
    status: str
    value: Decimal | None
    threshold: Decimal | None
    numerator: int | None
    denominator: int | None
    baseline: int | None
    details: dict[str, Any] = field(default_factory=dict)


def quantize_fraction(numerator: int, denominator: int) -> Decimal:
    """numerator/denominator rounded to 4 decimals, half away from zero (Decimal ROUND_HALF_UP), exactly."""
    if denominator == 0:
        raise ZeroDivisionError("denominator is zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    scaled = (2 * abs(numerator) * FOUR_PLACES + denominator) // (2 * denominator)
    return (Decimal(sign * scaled) / FOUR_PLACES).quantize(Decimal("0.0001"))


def _threshold(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _at_least(numerator: int, denominator: int, threshold: Decimal) -> bool:
    """numerator / denominator >= threshold, exactly (denominator > 0): cross-multiplied integers, no rounding."""
    top, bottom = threshold.as_integer_ratio()  # exact: Decimal("0.15") -> (3, 20)
    return numerator * bottom >= top * denominator


def _at_most(numerator: int, denominator: int, threshold: Decimal) -> bool:
    """numerator / denominator <= threshold, exactly (denominator > 0)."""
    top, bottom = threshold.as_integer_ratio()
    return numerator * bottom <= top * denominator


def reduction_at_least(*, current: int, previous: int, threshold: Decimal) -> RuleResult:
    """(previous - current) / previous >= threshold; no records the year before → no baseline."""
    threshold = _threshold(threshold)
    inputs = {"current": current, "previous": previous}
    if previous == 0:
        return RuleResult(Status.NO_BASELINE, None, threshold, current, previous, previous, {"inputs": inputs})
    cut = previous - current
    met = _at_least(cut, previous, threshold)
    inputs["reduction"] = cut
    return RuleResult(
        Status.MET if met else Status.MISSED, quantize_fraction(cut, previous), threshold,
        current, previous, previous, {"inputs": inputs},
    )


def _share(numerator: int, denominator: int, threshold: Decimal, *, at_most: bool) -> RuleResult:
    threshold = _threshold(threshold)
    inputs = {"numerator": numerator, "denominator": denominator}
    if denominator == 0:
        return RuleResult(Status.NO_DATA, None, threshold, numerator, denominator, None, {"inputs": inputs})
    met = (_at_most if at_most else _at_least)(numerator, denominator, threshold)
    return RuleResult(
        Status.MET if met else Status.MISSED, quantize_fraction(numerator, denominator), threshold,
        numerator, denominator, None, {"inputs": inputs},
    )


def share_at_most(*, numerator: int, denominator: int, threshold: Decimal) -> RuleResult:
    """numerator / denominator <= threshold (e.g. in-person conferences at most 40 %); empty → no data."""
    return _share(numerator, denominator, threshold, at_most=True)


def share_at_least(*, numerator: int, denominator: int, threshold: Decimal) -> RuleResult:
    """numerator / denominator >= threshold (e.g. at least 95 % digitised); empty → no data."""
    return _share(numerator, denominator, threshold, at_most=False)


def count_at_most(*, count: int, cap: Decimal | int, total: int | None = None, countable: int | None = None) -> RuleResult:
    """Caps: the number of all-leaders conferences without an approved exception is at most the cap.

    `count` excludes approved exceptions; `total` (all countable all-leaders conferences) is kept for display.
    `countable` is every countable conference of the window: a unit that recorded none has no data (nothing
    recorded is not compliance); one that held conferences but no all-leaders one meets the cap.
    """
    cap = _threshold(cap)
    inputs = {"count_without_exception": count, "all_leaders_total": total}
    if countable == 0:  # only whether there were any counts (many units share a result: see the engine's memo)
        return RuleResult(Status.NO_DATA, None, cap, count, total, None, {"inputs": inputs})
    met = _at_most(count, 1, cap)
    return RuleResult(
        Status.MET if met else Status.MISSED, Decimal(count).quantize(Decimal("0.0001")), cap,
        count, total, None, {"inputs": inputs},
    )


def all_comply(*, complying: int, recorded: int, threshold: Decimal = Decimal(1)) -> RuleResult:
    """Share of conferences (where the figure was recorded) that comply; met only when the share reaches the
    threshold (100 % by the conclusion); nothing recorded → no data."""
    result = share_at_least(numerator=complying, denominator=recorded, threshold=threshold)
    result.details["inputs"] = {"complying": complying, "recorded": recorded, "offending": recorded - complying}
    return result


def not_applicable(
    *, threshold: Decimal | None = None, reason: str = "", numerator: int | None = None,
    denominator: int | None = None, baseline: int | None = None,
) -> RuleResult:
    """Not judged. The counts may still be given (a year before a target applies keeps its counts of records:
    they are facts, not verdicts, and the trend charts show them)."""
    return RuleResult(Status.NOT_APPLICABLE, None, _threshold(threshold), numerator, denominator, baseline,
                      {"reason": reason} if reason else {})


def evaluate(comparison: str, threshold: Decimal, numbers: dict[str, int]) -> RuleResult:
    """Apply the rule of a comparison kind to the counts the engine aggregated for one unit (or a subtree).

    `numbers` holds `numerator`, `denominator` and, for reductions, `baseline` (the previous year's count):
    reduction → numerator = this year's count, baseline = last year's; shares and all-comply → numerator over
    denominator; caps → numerator = conferences without exception, denominator = all of them, `countable` =
    every countable conference (none: no data).
    """
    if comparison == Comparison.REDUCTION_AT_LEAST:
        return reduction_at_least(current=numbers["numerator"], previous=numbers["baseline"], threshold=threshold)
    if comparison == Comparison.SHARE_AT_MOST:
        return share_at_most(numerator=numbers["numerator"], denominator=numbers["denominator"], threshold=threshold)
    if comparison == Comparison.SHARE_AT_LEAST:
        return share_at_least(numerator=numbers["numerator"], denominator=numbers["denominator"], threshold=threshold)
    if comparison == Comparison.COUNT_AT_MOST:
        return count_at_most(count=numbers["numerator"], cap=threshold, total=numbers.get("denominator"),
                             countable=numbers.get("countable"))
    if comparison == Comparison.ALL_COMPLY:
        return all_comply(complying=numbers["numerator"], recorded=numbers["denominator"], threshold=threshold)
    raise ValueError(f"Unknown comparison {comparison!r}")


def aggregate(
    comparison: str, threshold: Decimal, *, numerator: int, denominator: int, baseline: int,
    status_counts: dict[str, int],
) -> RuleResult:
    """The aggregate figure of a subtree: the same rule on the summed counts of the units where it applies.

    Caps are the exception: a cap binds each locality separately, so summing conferences of a hundred
    communes against a cap of 3 means nothing. A cap's aggregate value is the summed count, and it is met
    when every locality it applies to met it.
    """
    applicable = sum(n for status, n in status_counts.items() if status != Status.NOT_APPLICABLE)
    if applicable == 0:
        return not_applicable(threshold=threshold)
    if comparison == Comparison.COUNT_AT_MOST:
        if status_counts.get(Status.MISSED, 0):
            status = Status.MISSED
        elif status_counts.get(Status.MET, 0):
            status = Status.MET
        else:  # no locality of the subtree recorded a countable conference
            status = Status.NO_DATA
        return RuleResult(
            status, Decimal(numerator).quantize(Decimal("0.0001")), _threshold(threshold), numerator, denominator,
            None, {"inputs": {"count_without_exception": numerator, "all_leaders_total": denominator,
                              "localities": applicable}},
        )
    return evaluate(comparison, threshold, {"numerator": numerator, "denominator": denominator, "baseline": baseline})
