"""Every write to a register goes through here: scoping, validation, audit trail, and recompute on commit."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .models import Unit, UnitRecord, User
from .signals import records_changed

R = TypeVar("R", bound=UnitRecord)

# Hooks that refuse a write (e.g. a period whose report is approved). Each is called with
# (instance, user, action) and raises ValidationError to refuse. Apps register theirs at ready().
write_guards: list = []
# The same rules read for display: each takes a page of records of one model and returns {pk: reason} for
# those a guard would refuse to change (in a fixed number of queries). Apps register theirs at ready().
lock_readers: list = []


def records_mark_locked(records: Iterable[UnitRecord]) -> list[UnitRecord]:
    """Set `lock_reason` on each record: why it cannot be changed, or "" (pages and the API read it)."""
    records = list(records)
    reasons: dict = {}
    for reader in lock_readers:
        for pk, reason in reader(records).items():
            reasons.setdefault(pk, reason)
    for record in records:
        record.lock_reason = reasons.get(record.pk, "")
    return records


HISTORY_REASON_MAX = 100  # django-simple-history's history_change_reason is a varchar(100)


def history_reason(text: str) -> str:
    """A change reason as the history table can hold it: a longer one is cut with an ellipsis (keep the whole
    text elsewhere, e.g. in the report's comment and event)."""
    text = (text or "").strip()
    return text if len(text) <= HISTORY_REASON_MAX else text[: HISTORY_REASON_MAX - 1] + "…"


def _record_years(instance: UnitRecord) -> set[int]:
    year = instance.record_year()
    return {year} if year else set()


def _notify_on_commit(model: type[models.Model], unit_ids: Iterable[int], years: Iterable[int]) -> None:
    unit_ids, years = set(unit_ids), set(years)
    transaction.on_commit(lambda: records_changed.send(sender=model, model=model, unit_ids=unit_ids, years=years))


def check_unit_writable(*, user: User, unit: Unit | None) -> None:
    """Refuse, on the `unit` field, a record for a unit outside what the user may edit."""
    if unit is None:
        return
    if not user.is_authenticated or not Unit.objects.editable_by(user).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You can only record for your own unit and the units below it.")})


def _run_guards(instance: UnitRecord, user: User, action: str) -> None:
    for guard in write_guards:
        guard(instance=instance, user=user, action=action)


def _save(instance: R, user: User) -> R:
    instance._history_user = user
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:  # a race past full_clean(): report it, never a 500
        raise ValidationError(_("This record conflicts with an existing one: %(error)s") % {"error": error}) from error
    return instance


@transaction.atomic
def record_create(*, model: type[R], user: User, data: dict[str, Any]) -> R:
    if not (user.is_authenticated and (user.is_administrator or user.is_entry_officer)):
        raise PermissionDenied(_("Your role cannot create records."))
    instance = model(**data)
    check_unit_writable(user=user, unit=getattr(instance, "unit", None) if instance.unit_id else None)
    instance.full_clean()
    _run_guards(instance, user, "create")
    _save(instance, user)
    _notify_on_commit(model, {instance.unit_id}, _record_years(instance))
    return instance


@transaction.atomic
def record_update(*, instance: R, user: User, data: dict[str, Any]) -> R:
    model = type(instance)
    stored = model.objects.editable_by(user).filter(pk=instance.pk).first()  # the row as it is before the change
    if stored is None:
        raise PermissionDenied(_("You cannot change this record."))
    before_unit, before_years = stored.unit_id, _record_years(stored)
    _run_guards(stored, user, "update")  # the period it leaves
    for field, value in data.items():
        setattr(instance, field, value)
    if instance.unit_id != before_unit:
        check_unit_writable(user=user, unit=instance.unit)
    instance.full_clean()
    _run_guards(instance, user, "update")  # the period it enters
    _save(instance, user)
    _notify_on_commit(model, {before_unit, instance.unit_id}, before_years | _record_years(instance))
    return instance


@transaction.atomic
def record_delete(*, instance: UnitRecord, user: User) -> None:
    model = type(instance)
    if not model.objects.editable_by(user).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("You cannot delete this record."))
    _run_guards(instance, user, "delete")
    instance._history_user = user
    unit_id, years = instance.unit_id, _record_years(instance)
    instance.delete()
    _notify_on_commit(model, {unit_id}, years)
