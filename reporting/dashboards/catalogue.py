"""The target catalogue as the dashboard pages read it: the target codes they name, the targets with the first year
each applies, and how a target's value is shown."""
from __future__ import annotations

from django.db.models import Min

from reform.choices import Comparison
from reform.models import Target

DOC_REDUCTION = "DOC_REDUCTION"
MEETING_REDUCTION = "MEETING_REDUCTION"
MEETING_ONLINE_SHARE = "MEETING_ONLINE_SHARE"
PROVINCE_WIDE_CAP = "PROVINCE_WIDE_CAP"
COMMUNE_WIDE_CAP = "COMMUNE_WIDE_CAP"
CONFERENCE_DURATION = "CONFERENCE_DURATION"
SPEECH_LIMITS = "SPEECH_LIMITS"
CONFERENCE_BUDGET = "CONFERENCE_BUDGET"
NO_REPEAT_CONFERENCE = "NO_REPEAT_CONFERENCE"
PROCEDURES_DIGITAL = "PROCEDURES_DIGITAL"
DOC_DIGITIZATION = "DOC_DIGITIZATION"
DOC_NETWORK = "DOC_NETWORK"


def target_list() -> list[Target]:
    """The catalogue, each target with `first_applies_from`: the first year a threshold of it applies (the same
    query: the pages say from which year the targets apply, from the threshold data)."""
    return list(Target.objects.order_by("order", "code").annotate(first_applies_from=Min("thresholds__applies_from")))


def targets_apply_from(targets: list[Target], codes: tuple[str, ...] | None = None) -> int | None:
    """The first year any of `targets` (those of `codes`, when given) applies; None when none has a threshold."""
    years = [t.first_applies_from for t in targets
             if getattr(t, "first_applies_from", None) is not None and (codes is None or t.code in codes)]
    return min(years) if years else None


def is_count_target(target: Target) -> bool:
    return target.comparison == Comparison.COUNT_AT_MOST


def as_fraction(value) -> float | None:
    return None if value is None else float(value)
