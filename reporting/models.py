"""Precomputed compliance results: a table filled by the engine, the only thing charts and the API read."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform import formatting
from reform.choices import Block, Level
from reform.models import Target, Unit
from reform.querysets import UnitScopedQuerySet

from .choices import MarkReason, Period, ReviewState, RunState, RunTrigger, Severity, SignalKind, Status
from .signal_thresholds import signal_parameters_errors


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

    objects = UnitScopedQuerySet.as_manager()  # scoped like the records: the API and pages read through it

    class Meta:
        ordering = ["unit", "year", "period", "target"]
        verbose_name = _("compliance result")
        verbose_name_plural = _("compliance results")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "period", "unit", "target"], name="one_result_per_unit_period_target",
            ),
        ]
        # The dashboards filtered by level or block read one period of a few targets across every year's partition
        # (the trend, the status counts): without it, a full read of each partition (~80 ms), with it ~20 ms.
        # A national recompute builds it on the new partition too (~0.15 s).
        indexes = [models.Index(fields=["period", "target"], name="result_period_target")]

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

    objects = UnitScopedQuerySet.as_manager()

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


class ComplianceSlice(models.Model):
    """A locality's subtree narrowed to one level and block, on one target: the units per status and the summed
    counts of those the target applies to (a roll-up vector, `rollups.Vector`), stored by the engine beside the
    roll-ups, for the localities that have roll-ups (the nation and the provinces).

    The dashboards filtered by level or block read these sums (a few dozen rows a province) instead of grouping
    the year's results of that level on every view: a locality as a whole, the status counts and the trend of a
    narrowed scope. They are sums over the stored results of the subtree's units (`selectors.slice_sums`), so a
    legacy district's records, which are in no unit's results, are not in them, as they are not in the results.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="compliance_slices", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="slices", db_constraint=False, db_index=False
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    block = models.CharField(_("block"), max_length=16, choices=Block.choices)
    n_met = models.PositiveIntegerField(_("units met"), default=0)
    n_missed = models.PositiveIntegerField(_("units missed"), default=0)
    n_no_baseline = models.PositiveIntegerField(_("units without baseline"), default=0)
    n_no_data = models.PositiveIntegerField(_("units without data"), default=0)
    n_not_applicable = models.PositiveIntegerField(_("units not applicable"), default=0)
    numerator = models.BigIntegerField(_("numerator"), default=0)
    denominator = models.BigIntegerField(_("denominator"), default=0)
    baseline = models.BigIntegerField(_("baseline"), default=0)
    n_provisional = models.PositiveIntegerField(_("provisional results"), default=0)
    window_end = models.DateField(_("window end"), null=True, blank=True)
    provisional_end = models.DateField(_("provisional window end"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "year", "period", "target", "level", "block"]
        verbose_name = _("compliance slice")
        verbose_name_plural = _("compliance slices")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period", "target", "level", "block"],
                                    name="one_slice_per_unit_period_target_level_block"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.period} {self.target_id} {self.level}/{self.block}"


class Mark(models.Model):
    """A durable mark: the unit-year's subtree waits for work (coalesced: many changes make one row). A mark whose
    work failed is retried a bounded number of times (COMPLIANCE_MARK_MAX_ATTEMPTS), then dropped; it never blocks
    the other marks (reporting/recompute.py)."""

    year = models.PositiveSmallIntegerField(_("year"))
    requested_at = models.DateTimeField(_("requested at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0, db_default=0)
    last_error = models.TextField(_("last error"), blank=True, default="", db_default="")

    class Meta:
        abstract = True
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} @ {self.requested_at:%Y-%m-%d %H:%M:%S}"


class RecomputeRequest(Mark):
    """The unit-year's results need a recompute."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="recompute_requests")
    # A policy change marks the root unit (the whole year); the pages say a policy change is waiting.
    reason = models.CharField(_("reason"), max_length=16, choices=MarkReason.choices, default=MarkReason.RECORDS,
                              db_default=MarkReason.RECORDS)

    class Meta(Mark.Meta):
        verbose_name = _("recompute request")
        verbose_name_plural = _("recompute requests")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_recompute_request_per_unit_year")]


class SignalRequest(Mark):
    """The integrity signals of the unit-year's subtree need finding again, because its results were recomputed
    after a record change. Kept apart from RecomputeRequest so that the results of the next save never wait behind
    the signals (reporting/recompute.py, `signals_pending_run`)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="signal_requests")

    class Meta(Mark.Meta):
        verbose_name = _("signals request")
        verbose_name_plural = _("signals requests")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_signal_request_per_unit_year")]


class ComputeRun(models.Model):
    """One run of the engine for a year (the country, or a unit's subtree): what started it, and how it ended.

    Written by reporting/runs.py around every compliance_compute call of the tasks, the coalesced recompute
    and the command, so a failed recompute is seen (admin and dashboards) instead of leaving stale figures
    without a word.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="compute_runs", help_text=_("Empty: the whole country."))
    # Several subtrees recomputed in one pass (the coalesced recompute after changes in many places): their roots'
    # paths; `unit` is then empty. Empty list: `unit` says the scope.
    subtrees = models.JSONField(_("subtrees"), default=list, blank=True,
                                help_text=_("The units whose subtrees the run recomputed in one pass."))
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
        scope = self.scope_codes
        started = formatting.moment(self.started_at)
        return f"{self.year} · {scope} · {self.get_trigger_display()}: {self.get_state_display()} · {started}"

    @property
    def scope_paths(self) -> list[str] | None:
        """The paths of the subtrees the run covered; None: the whole country."""
        if self.subtrees:
            return list(self.subtrees)
        return [self.unit.path] if self.unit_id else None

    @property
    def scope_codes(self) -> str:
        paths = self.scope_paths
        if paths is None:
            return "TW"
        codes = [path.strip("/").split("/")[-1] for path in paths]
        return ", ".join(codes) if len(codes) <= 5 else f"{', '.join(codes[:5])} (+{len(codes) - 5})"

    @property
    def reason(self) -> str:
        """The error's first line, short enough for a banner."""
        line = (self.error or "").strip().splitlines()[0] if (self.error or "").strip() else ""
        return line if len(line) <= 200 else f"{line[:199]}…"


class SignalThreshold(models.Model):
    """The parameters of one integrity signal kind, in force from a year until a later row replaces it (like
    TargetThreshold); a parameter left out takes its default (reporting/signal_thresholds.py)."""

    kind = models.CharField(_("signal"), max_length=32, choices=SignalKind.choices)
    applies_from = models.PositiveSmallIntegerField(_("applies from (year)"), validators=[MinValueValidator(2000)])
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "applies_from"]
        verbose_name = _("signal threshold")
        verbose_name_plural = _("signal thresholds")
        constraints = [
            models.UniqueConstraint(fields=["kind", "applies_from"], name="one_signal_threshold_per_kind_year"),
        ]

    def __str__(self) -> str:
        return _("%(kind)s, from %(year)s") % {"kind": self.get_kind_display(), "year": self.applies_from}

    def clean(self) -> None:
        if found := signal_parameters_errors(self.kind, self.parameters):
            raise ValidationError({"parameters": found})


class Signal(models.Model):
    """One integrity signal of a unit and year: where its figures may not reflect what happened.

    Derived by the engine (reporting/signals.py) with the compliance results; `key` tells apart the signals of a
    kind (a number series, a register, a quarter). The review (state, comment, who, when) is a person's and is
    kept with history; a recompute keeps it while the evidence stays the same, and reopens the signal otherwise.
    `computed_at` is when the signal was found with its present evidence (a recompute finding the same leaves it).
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="signals")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("signal"), max_length=32, choices=SignalKind.choices)
    key = models.CharField(_("subject"), max_length=128, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    rank = models.PositiveSmallIntegerField(editable=False, default=0)  # 0 critical, 1 warning, 2 info: sort order
    params = models.JSONField(_("message parts"), default=dict, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    review_state = models.CharField(_("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.OPEN)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    # Scoped like the records (`visible_to`: an officer sees their unit's subtree): the API and pages read through it.
    objects = UnitScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["computed_at", "rank"])

    class Meta:
        ordering = ["rank", "unit__path", "kind", "key"]
        verbose_name = _("integrity signal")
        verbose_name_plural = _("integrity signals")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "kind", "key"], name="one_signal_per_unit_year_kind_key"),
        ]
        indexes = [models.Index(fields=["year", "rank"], name="signal_year_rank"),
                   models.Index(fields=["unit", "year"], name="signal_unit_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.year} · {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.review_state == ReviewState.OPEN
