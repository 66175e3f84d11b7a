"""Pure validation rules of the conferences register: plain values in, `{field: [messages]}` out.

One set of rules for forms, API and bulk uploads: `Conference.clean` calls this, and so does the importer.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from reform.dates import UnitEnd, after_end, too_early

Errors = dict[str, list[str]]


def conference_rules(
    *, held_on: datetime.date | None, duration_days: Decimal | None, exception_approved: bool,
    exception_ref: str, today: datetime.date, unit_end: UnitEnd | None = None, earliest: datetime.date | None = None,
) -> Errors:
    """A conference is not in the future, lasts more than zero days, and an approved exception has its reference.

    `exception_ref` is expected stripped (see `normalize_exception_ref`); `unit_end` is the unit's end when it is
    a legacy unit (`reform.lineage`): no conference after it. `earliest`: the earliest record date (read from the
    settings when not given; a bulk upload reads it once).
    """
    errors: Errors = {}
    if held_on and held_on > today:
        errors["held_on"] = [_("The date cannot be in the future.")]
    if early := too_early(held_on, earliest):
        errors["held_on"] = [early]
    if ended := after_end(held_on, unit_end):
        errors.setdefault("held_on", []).append(ended)
    if duration_days is not None and duration_days <= 0:
        errors["duration_days"] = [_("The duration must be more than zero days.")]
    if exception_approved and not exception_ref:
        errors["exception_ref"] = [_("An approved exception needs the reference of the standing-committee decision.")]
    return errors


def normalize_exception_ref(value: str | None) -> str:
    return (value or "").strip()
