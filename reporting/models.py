"""Precomputed compliance results: a table filled by the engine, the only thing charts and the API read."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from reform.models import Target, Unit

from .choices import Period, Status


class ComplianceResult(models.Model):
    """One unit's standing on one target for one year and period, with the figures that decided it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="compliance_results")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4, null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=4, null=True, blank=True)
    numerator = models.BigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    baseline = models.BigIntegerField(_("baseline"), null=True, blank=True)
    # The inputs the rule used and, for per-conference targets, the offending conferences (ids and reasons).
    details = models.JSONField(_("details"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["unit", "year", "period", "target"]
        verbose_name = _("compliance result")
        verbose_name_plural = _("compliance results")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period", "target"], name="one_result_per_unit_period_target"),
        ]
        indexes = [
            models.Index(fields=["year", "period", "target", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.period} {self.target_id}: {self.status}"
