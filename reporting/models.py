"""Precomputed compliance results: a table filled by the engine, the only thing charts and the API read."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from reform.models import Target, Unit

from .choices import MarkReason, Period, RunState, RunTrigger, Status


class ComplianceResult(models.Model):
    """One unit's standing on one target for one year and period, with the figures that decided it.

    Derived data, replaced wholesale by the engine: the foreign keys carry no database constraint (no
    per-row trigger on a 200,000-row COPY); deleting a unit or target still cascades through Django. Two
    indexes serve every read: the unique (year, period, unit, target) and the unit's. On PostgreSQL the
    table is partitioned by year (migration 0004) and a national recompute writes a year's rows in the
    unique index's order, then builds the indexes (reporting/partitions.py): rows already in order make that
    index one pass without sort work, the unit's index is a sort of integers, and a unit's results for a
    period lie together.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="compliance_results", db_constraint=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="results", db_constraint=False, db_index=False
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4, null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=4, null=True, blank=True)
    numerator = models.BigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    baseline = models.BigIntegerField(_("baseline"), null=True, blank=True)
    # The inputs the rule used and, for per-conference targets, the offending conferences (ids and reasons).
    details = models.JSONField(_("details"), default=dict, blank=True)
    # A period that has not ended is judged on 1 January to `window_end` (the day of the compute) against the
    # same window of the year before, and is provisional until a recompute after its end makes it final.
    provisional = models.BooleanField(_("provisional"), default=False, db_default=False)
    window_end = models.DateField(_("window end"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["unit", "year", "period", "target"]
        verbose_name = _("compliance result")
        verbose_name_plural = _("compliance results")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "period", "unit", "target"], name="one_result_per_unit_period_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.period} {self.target_id}: {self.status}"


class ComplianceRollup(models.Model):
    """A locality's whole subtree (itself included) on one target: units per status, and the aggregate figure.

    The aggregate applies the target's rule to the subtree's summed counts (units where the target applies).
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="compliance_rollups", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="rollups", db_constraint=False, db_index=False
    )
    n_met = models.PositiveIntegerField(_("units met"), default=0)
    n_missed = models.PositiveIntegerField(_("units missed"), default=0)
    n_no_baseline = models.PositiveIntegerField(_("units without baseline"), default=0)
    n_no_data = models.PositiveIntegerField(_("units without data"), default=0)
    n_not_applicable = models.PositiveIntegerField(_("units not applicable"), default=0)
    n_units = models.PositiveIntegerField(_("units"), default=0)
    status = models.CharField(_("aggregate status"), max_length=16, choices=Status.choices)
    value = models.DecimalField(_("aggregate value"), max_digits=12, decimal_places=4, null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=4, null=True, blank=True)
    numerator = models.BigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    baseline = models.BigIntegerField(_("baseline"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False, db_default=False)
    window_end = models.DateField(_("window end"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["unit", "year", "period", "target"]
        verbose_name = _("compliance roll-up")
        verbose_name_plural = _("compliance roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period", "target"], name="one_rollup_per_unit_period_target"),
        ]
        indexes = [models.Index(fields=["year", "period", "target"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.period} {self.target_id}: {self.status} ({self.n_units} units)"


class RecomputeRequest(models.Model):
    """A durable dirty mark: the unit-year needs a recompute. Many edits make one row (coalesced)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="recompute_requests")
    year = models.PositiveSmallIntegerField(_("year"))
    requested_at = models.DateTimeField(_("requested at"))
    # A policy change marks the root unit (the whole year); the pages say a policy change is waiting.
    reason = models.CharField(_("reason"), max_length=16, choices=MarkReason.choices, default=MarkReason.RECORDS,
                              db_default=MarkReason.RECORDS)
    # A mark whose recompute failed is retried a bounded number of times (COMPLIANCE_MARK_MAX_ATTEMPTS), then
    # dropped; its failures stay in the compute runs. It never blocks the other marks.
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0, db_default=0)
    last_error = models.TextField(_("last error"), blank=True, default="", db_default="")

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("recompute request")
        verbose_name_plural = _("recompute requests")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_recompute_request_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} @ {self.requested_at:%Y-%m-%d %H:%M:%S}"


class ComputeRun(models.Model):
    """One run of the engine for a year (the country, or a unit's subtree): what started it, and how it ended.

    Written by reporting/runs.py around every compliance_compute call of the tasks, the coalesced recompute
    and the command, so a failed recompute is seen (admin and dashboards) instead of leaving stale figures
    without a word.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="compute_runs", help_text=_("Empty: the whole country."))
    trigger = models.CharField(_("trigger"), max_length=16, choices=RunTrigger.choices)
    state = models.CharField(_("state"), max_length=16, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("compute run")
        verbose_name_plural = _("compute runs")
        indexes = [models.Index(fields=["year", "-started_at"], name="compute_run_year_started")]

    def __str__(self) -> str:
        scope = self.unit_id or "TW"
        return f"{self.year} {scope} {self.trigger}: {self.state} @ {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def reason(self) -> str:
        """The error's first line, short enough for a banner."""
        line = (self.error or "").strip().splitlines()[0] if (self.error or "").strip() else ""
        return line if len(line) <= 200 else f"{line[:199]}…"
