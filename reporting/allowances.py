"""What is left to a unit before it misses a target, as pure functions: plain numbers in, a whole number out.

The officer's outlook (reporting/dashboards/forecasts.py) says "at most 118 more documents" or "hold the next 5
conferences online"; the numbers come from here, on exact fractions like reporting/rules.py (the threshold as the
ratio of two integers, integer arithmetic only), so they agree with the rules at every boundary: one more than
`reduction_allowed` is a miss, `share_at_most_room` more in-person conferences still meet, and so on.
"""
from __future__ import annotations

from decimal import Decimal

from .rules import _at_least, _at_most


def _ratio(threshold: Decimal | int | str) -> tuple[int, int]:
    return Decimal(threshold).as_integer_ratio()  # exact: Decimal("0.15") -> (3, 20)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def reduction_allowed(*, baseline: int, threshold: Decimal) -> int:
    """The most items (documents, conferences) a unit may have and still cut `baseline` by `threshold`:
    floor(baseline × (1 − threshold))."""
    top, bottom = _ratio(threshold)
    return baseline * (bottom - top) // bottom


def within_share_at_most(*, part: int, total: int, threshold: Decimal) -> bool:
    """part / total ≤ threshold (total > 0), as rules.share_at_most decides it."""
    return _at_most(part, total, Decimal(threshold))


def share_at_most_room(*, part: int, total: int, threshold: Decimal) -> int | None:
    """How many more items counted in `part` (in-person conferences) keep part / total within `threshold` (each
    adds to both): the largest k with (part + k) / (total + k) ≤ t, i.e. k ≤ (t·total − part) / (1 − t).
    None when any number does (t ≥ 1). For a share already within the threshold."""
    top, bottom = _ratio(threshold)
    if top >= bottom:
        return None
    return (top * total - part * bottom) // (bottom - top)


def share_at_most_recovery(*, part: int, total: int, threshold: Decimal) -> int | None:
    """How many items not counted in `part` (online conferences) bring part / total down to `threshold`: the least
    m with part / (total + m) ≤ t, i.e. m ≥ part / t − total. None when no number does (t = 0)."""
    top, bottom = _ratio(threshold)
    if top == 0:
        return None
    return _ceil_div(part * bottom - total * top, top)


def within_share_at_least(*, part: int, total: int, threshold: Decimal) -> bool:
    """part / total ≥ threshold (total > 0), as rules.share_at_least decides it."""
    return _at_least(part, total, Decimal(threshold))


def share_at_least_shortfall(*, part: int, total: int, threshold: Decimal) -> int | None:
    """How many more items, all counted in `part` (documents digitised), bring part / total up to `threshold`: the
    least m with (part + m) / (total + m) ≥ t, i.e. m ≥ (t·total − part) / (1 − t). None when no number does
    (t ≥ 1: the items already missing never come back)."""
    top, bottom = _ratio(threshold)
    if top >= bottom:
        return None
    return _ceil_div(top * total - part * bottom, bottom - top)


def cap_room(*, count: int, cap: Decimal | int) -> int:
    """How many more conferences a cap allows (negative: how many too many already)."""
    return int(cap) - count
