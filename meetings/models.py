"""The register of conferences held."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.models import UnitRecord

from .choices import Category, Format, Scope
from .querysets import ConferenceQuerySet
from .rules import conference_rules, normalize_exception_ref


class Conference(UnitRecord):
    RECORD_DATE_FIELD = "held_on"

    title = models.CharField(_("title"), max_length=500)
    held_on = models.DateField(_("date held"))
    # More than zero days: meetings/rules.py says so in one message (forms, API, uploads), the check below holds it.
    duration_days = models.DecimalField(_("duration (days)"), max_digits=4, decimal_places=2)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.SPECIALIZED)
    is_regular_session = models.BooleanField(
        _("statutory regular session"), default=False,
        help_text=_("Regular sessions of a Party committee or People's Council count in no conference target."),
    )
    exception_approved = models.BooleanField(_("exception approved by the standing committee"), default=False)
    exception_ref = models.CharField(_("exception decision reference"), max_length=64, blank=True)
    reheld_after_online = models.BooleanField(_("re-held after an online conference"), default=False)
    budget_allocated = models.PositiveBigIntegerField(_("budget allocated (VND)"), null=True, blank=True)
    budget_spent = models.PositiveBigIntegerField(_("budget spent (VND)"), null=True, blank=True)
    opening_speech_min = models.PositiveSmallIntegerField(_("opening speech (minutes)"), null=True, blank=True)
    closing_speeches_min = models.PositiveSmallIntegerField(_("closing speeches, total (minutes)"), null=True, blank=True)
    longest_presentation_min = models.PositiveSmallIntegerField(_("longest presentation (minutes)"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)

    objects = ConferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["upload"])

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.CheckConstraint(condition=Q(duration_days__gt=0), name="conference_duration_positive"),
            models.CheckConstraint(
                condition=Q(exception_approved=False) | ~Q(exception_ref=""), name="exception_needs_reference",
                violation_error_message=_("An approved exception needs the reference of the standing-committee decision."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "held_on"]), models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.exception_ref = normalize_exception_ref(self.exception_ref)
        errors = conference_rules(
            held_on=self.held_on, duration_days=self.duration_days, exception_approved=self.exception_approved,
            exception_ref=self.exception_ref, today=timezone.localdate(), unit_end=self.unit_end(),
        )
        if errors:
            raise ValidationError(errors)
