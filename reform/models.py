"""The core domain: the unit tree, users and their roles, and the catalogue of targets."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import Applicability, Block, Comparison, Kind, Level, Role
from .querysets import UnitQuerySet, UnitScopedQuerySet
from .thresholds import is_count, parameters_errors, threshold_errors, threshold_text

PATH_SEPARATOR = "/"


class Unit(models.Model):
    """A node of the organisation tree, with a materialized path for cheap subtree queries.

    `path` is the chain of codes from the root, e.g. `/TW/01/00070/`; a unit's subtree is every
    unit whose path starts with its own (an index-backed prefix match on PostgreSQL).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LOCALITY)
    block = models.CharField(_("block"), max_length=16, choices=Block.choices, default=Block.STATE)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=512, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Legacy units (before the 1 July 2025 reorganisation) end on 30 June 2025; current units have none.
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["level", "kind"]),
            models.Index(fields=["parent"]),
            # Prefix LIKE (`path__startswith`) uses this index on PostgreSQL whatever the collation.
            models.Index(fields=["path"], name="unit_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if PATH_SEPARATOR in self.code:
            raise ValidationError({"code": _("A unit code cannot contain “/”.")})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else PATH_SEPARATOR
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def save(self, *args, **kwargs) -> None:
        old = Unit.objects.filter(pk=self.pk).values_list("path", "depth").first() if self.pk else None
        self.path = self.build_path()
        self.depth = self.path.count(PATH_SEPARATOR) - 2
        super().save(*args, **kwargs)
        if old and old[0] != self.path:
            # Moving or recoding a unit moves its whole subtree: one UPDATE rewrites the descendants.
            old_path, old_depth = old
            Unit.objects.in_subtree(old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (self.depth - old_depth),
            )

    def is_ancestor_of(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)

    @property
    def is_locality(self) -> bool:
        return self.kind == Kind.LOCALITY

    @property
    def province_code(self) -> str | None:
        """The code of the province this unit belongs to (itself for a province), or None for central."""
        parts = self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        return parts[1] if len(parts) > 1 else None


class UnitSuccession(models.Model):
    """One successor of a legacy unit; `order` 0 is the default successor (the one a divided commune's records go
    to). Administrators may correct an attribution (`corrected`): `load_units` then leaves that unit's successors
    alone."""

    predecessor = models.ForeignKey(Unit, verbose_name=_("predecessor"), on_delete=models.CASCADE,
                                    related_name="successions")
    successor = models.ForeignKey(Unit, verbose_name=_("successor"), on_delete=models.PROTECT,
                                  related_name="predecessions")
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("0 is the default successor."))
    corrected = models.BooleanField(_("corrected by an administrator"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["predecessor", "order", "successor"]
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_succession_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def clean(self) -> None:
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            raise ValidationError({"successor": _("A unit cannot succeed itself.")})


class User(AbstractUser):
    """A person using the system, with one role; entry officers are bound to a unit."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ENTRY)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.ENTRY, unit__isnull=True) | models.Q(is_superuser=True),
                name="entry_officer_has_unit",
                violation_error_message=_("An entry officer must be bound to a unit."),
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ENTRY and not self.unit_id and not self.is_superuser:
            raise ValidationError({"unit": _("An entry officer must be bound to a unit.")})

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER and not self.is_superuser

    @property
    def is_entry_officer(self) -> bool:
        return self.role == Role.ENTRY and not self.is_superuser

    @property
    def sees_everything(self) -> bool:
        return self.is_administrator or self.role == Role.REVIEWER


class Target(models.Model):
    """One numeric target of Conclusion 226-KL/TW section 2; thresholds live in TargetThreshold."""

    code = models.CharField(_("code"), max_length=32, primary_key=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    clause = models.CharField(_("clause"), max_length=16)
    comparison = models.CharField(_("comparison"), max_length=16, choices=Comparison.choices)
    applies_to = models.CharField(
        _("applies to"), max_length=32, choices=Applicability.choices, default=Applicability.EVERY_UNIT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.clause} {self.name}"

    @property
    def name(self) -> str:
        return self.name_vi if (get_language() or "vi").startswith("vi") else self.name_en

    @property
    def is_cap(self) -> bool:
        """Caps hold a number of conferences in `threshold`; every other target holds a fraction."""
        return is_count(self.comparison)

    def threshold_for(self, year: int) -> "TargetThreshold | None":
        return self.thresholds.filter(applies_from__lte=year).order_by("-applies_from").first()

    def clean(self) -> None:
        errors: dict[str, list] = {}
        for field in ("name_vi", "name_en"):
            if any(ch.isdigit() for ch in getattr(self, field) or ""):
                errors[field] = [_("A target's name holds no figures: the threshold is data, shown beside the "
                                   "name, and a later conclusion may change it.")]
        if self.pk and self.comparison:
            # A new kind must still fit the thresholds already kept (a share of 0.15 is no cap).
            for row in TargetThreshold.objects.filter(target_id=self.pk).order_by("applies_from"):
                if threshold_errors(self.comparison, row.threshold):
                    errors.setdefault("comparison", []).append(
                        _("The threshold from %(year)s (%(value)s) does not fit this comparison; change it first.")
                        % {"year": row.applies_from, "value": row.threshold})
        if errors:
            raise ValidationError(errors)


class TargetThreshold(models.Model):
    """A threshold (fraction) or cap (count) of a target, in force from a year until a later row replaces it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="thresholds")
    applies_from = models.PositiveSmallIntegerField(_("applies from (year)"), validators=[MinValueValidator(2000)])
    threshold = models.DecimalField(
        _("threshold"), max_digits=10, decimal_places=4, validators=[MinValueValidator(0)],
        help_text=_("A fraction (0.1500 = 15 %) or, for caps, a number of conferences."),
    )
    # Limits that are not a single number (duration per category, speech minutes), kept with the same history.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "applies_from"]
        verbose_name = _("target threshold")
        verbose_name_plural = _("target thresholds")
        constraints = [
            models.UniqueConstraint(fields=["target", "applies_from"], name="one_threshold_per_target_year"),
            models.CheckConstraint(condition=models.Q(threshold__gte=0), name="threshold_non_negative"),
        ]

    def __str__(self) -> str:
        return _("%(target)s, from %(year)s: %(threshold)s") % {
            "target": self.target, "year": self.applies_from,
            "threshold": threshold_text(self.target.comparison, self.threshold)}

    def clean(self) -> None:
        """The threshold by its target's kind, the parameters by the target's schema (reform/thresholds.py)."""
        try:
            target = self.target
        except Target.DoesNotExist:
            return  # the required field reports it
        errors: dict[str, list] = {}
        if found := threshold_errors(target.comparison, self.threshold):
            errors["threshold"] = found
        if found := parameters_errors(target.code, self.parameters):
            errors["parameters"] = found
        if errors:
            raise ValidationError(errors)


class PolicySetting(models.Model):
    """Policy switches that change how records count (kept with history, editable by administrators)."""

    key = models.CharField(_("key"), max_length=64, primary_key=True)
    value = models.BooleanField(_("value"))
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    HYBRID_COUNTS_AS_ONLINE = "hybrid_counts_as_online"
    LABELS = {HYBRID_COUNTS_AS_ONLINE: _("Hybrid conferences count as online")}

    class Meta:
        verbose_name = _("policy setting")
        verbose_name_plural = _("policy settings")

    def __str__(self) -> str:
        return f"{self.label}: {_('Yes') if self.value else _('No')}"

    @property
    def label(self) -> str:
        """The switch as administrators read it (its key is the code the engine reads)."""
        return str(self.LABELS.get(self.key, self.key))

    @classmethod
    def flag(cls, key: str, default: bool) -> bool:
        value = cls.objects.filter(key=key).values_list("value", flat=True).first()
        return default if value is None else value


class UnitRecord(models.Model):
    """Base of every register row: it belongs to a unit and is scoped through UnitScopedQuerySet."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The upload that created the record, if one did: the record of its creation (who, when, which file) in the
    # audit trail until the record first changes, when its `+` history row is written from it (imports.history).
    # An upload writes no history row for what it creates: 200,000 of them cost it a third of the register's own
    # write. Neither indexed nor constrained (each would cost every row an upload writes); no upload is deleted.
    upload = models.ForeignKey("imports.ImportBatch", verbose_name=_("created by upload"), null=True, blank=True,
                               editable=False, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")

    objects = UnitScopedQuerySet.as_manager()

    # The field that dates a record, set by every register: a DateField (a document's issue date, a conference's
    # date), or "quarter" for a record of a quarter of its `year` (a digitisation report). The one statement of a
    # record's date: the services read it for the years a write touches, the period locks (reports.locking) for
    # the window a record falls in and the field their refusal is attached to, the uploads (imports) likewise.
    RECORD_DATE_FIELD: ClassVar[str] = ""

    class Meta:
        abstract = True

    @classmethod
    def dated_by_quarter(cls) -> bool:
        return cls.RECORD_DATE_FIELD == "quarter"

    @classmethod
    def record_date_from(cls, value_of: Callable[[str], Any]) -> datetime.date | tuple[int, int] | None:
        """The date of a record whose field values `value_of(name)` gives (an instance, or a row of an upload): its
        day, or (year, quarter) for a record of a quarter; None while it has none."""
        value = value_of(cls.RECORD_DATE_FIELD)
        if cls.dated_by_quarter():
            year = value_of("year")
            return (year, value) if year and value in (1, 2, 3, 4) else None
        return value or None

    def record_date(self) -> datetime.date | tuple[int, int] | None:
        return self.record_date_from(lambda name: getattr(self, name, None))

    @classmethod
    def record_year_from(cls, value_of: Callable[[str], Any]) -> int | None:
        """The year a record counts in: its day's, or for a record of a quarter its `year`."""
        if cls.dated_by_quarter():
            return value_of("year") or None
        value = value_of(cls.RECORD_DATE_FIELD)
        return value.year if value else None

    def record_year(self) -> int | None:
        return self.record_year_from(lambda name: getattr(self, name, None))

    def unit_end(self):
        """The end of the record's unit when it is a legacy unit (`reform.lineage.unit_end`), else None."""
        from .lineage import unit_end  # lineage reads this module's models

        return unit_end(unit=self.unit) if self.unit_id else None
