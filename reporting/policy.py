"""Policy changes reach the figures: a change of a threshold, a target's definition, a policy switch (the hybrid
conferences) or the document-type catalogue marks the years it affects for a recompute, on commit.

Model signals, so every path (admin, API, shell, a script) is covered; the marks are the durable coalesced ones of
reporting/recompute.py, on the root unit (the whole year), with the reason `policy`. Which years:
- a threshold row of a target from year Y: the years with stored results from Y up to (not including) the target's
  next threshold row; when a row moves from Y1 to Y2, from the earlier of the two up to the row after the later;
- a target's definition (its comparison or where it applies), the policy switches and the document-type catalogue:
  every year with stored results.
Years without stored results have nothing stale; the nightly recompute and the API compute them when asked.
Bulk `QuerySet.update()` sends no signal: call `policy_changed()` after one.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

logger = logging.getLogger(__name__)

# The fields of each model that change figures (a note or a display name does not).
RELEVANT = {
    "reform.TargetThreshold": ("target_id", "applies_from", "threshold", "parameters"),
    "reform.Target": ("comparison", "applies_to"),
    "reform.PolicySetting": ("value",),
    "documents.DocumentType": ("counts_toward_reduction",),
}
ALL_YEARS = None  # a change that reaches every year with stored results


def policy_changed(*, years: Iterable[int] | None = ALL_YEARS, threshold_span: tuple[str, int, int] | None = None):
    """Mark the affected years (after the current transaction commits) and queue the coalesced recompute."""

    def apply() -> None:
        from .recompute import recompute_mark_policy
        from .tasks import recompute_queue
        from .runs import stored_years

        try:
            stored = stored_years()
            if threshold_span is not None:
                target_id, first, last = threshold_span
                wanted = threshold_years(target_id, first, last, stored)
            elif years is ALL_YEARS:
                wanted = stored
            else:
                wanted = sorted(set(stored) & {int(y) for y in years})
            if recompute_mark_policy(years=wanted):
                recompute_queue()
        except Exception:  # noqa: BLE001 - the change is committed; the nightly recompute still catches up
            logger.exception("Could not mark the years a policy change affects for recompute.")

    transaction.on_commit(apply)


def threshold_years(target_id: str, first: int, last: int, stored: list[int]) -> list[int]:
    """The stored years a threshold row of `target_id` from `first` (moved to or from `last`) governs."""
    from reform.models import TargetThreshold

    following = (TargetThreshold.objects.filter(target_id=target_id, applies_from__gt=last)
                 .order_by("applies_from").values_list("applies_from", flat=True).first())
    return [y for y in stored if y >= first and (following is None or y < following)]


def _label(sender) -> str:
    return sender._meta.label


def _values(instance, fields) -> tuple:
    return tuple(getattr(instance, field) for field in fields)


def on_pre_save(sender, instance, raw=False, **kwargs) -> None:
    """Keep the stored values of the relevant fields, to tell after the save whether figures can change."""
    if raw or instance.pk is None:
        return
    fields = RELEVANT[_label(sender)]
    before = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
    instance._policy_before = tuple(before) if before is not None else None


def on_post_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    fields = RELEVANT[_label(sender)]
    before = None if created else getattr(instance, "_policy_before", None)
    if before is not None and before == _values(instance, fields):
        return  # only a note, a name or the order changed
    _announce(sender, instance, before)


def on_post_delete(sender, instance, **kwargs) -> None:
    _announce(sender, instance, None)


def _announce(sender, instance, before: tuple | None) -> None:
    if _label(sender) == "reform.TargetThreshold":
        # The row's old span (target, year) and its new one, as one span per target.
        spans = {(instance.target_id, instance.applies_from)}
        if before is not None:
            spans.add((before[0], before[1]))
        for target_id in {t for t, _ in spans}:
            froms = [y for t, y in spans if t == target_id]
            policy_changed(threshold_span=(target_id, min(froms), max(froms)))
    else:
        policy_changed(years=ALL_YEARS)


def connect() -> None:
    from documents.models import DocumentType
    from reform.models import PolicySetting, Target, TargetThreshold

    for model in (TargetThreshold, Target, PolicySetting, DocumentType):
        uid = f"reporting.policy.{model._meta.label_lower}"
        pre_save.connect(on_pre_save, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(on_post_save, sender=model, dispatch_uid=f"{uid}.post_save")
        post_delete.connect(on_post_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
