"""Form of the conferences register (shape only; the service validates and writes)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reform.forms import DateInput, RecordForm

from .models import Conference


class ConferenceForm(RecordForm):
    class Meta:
        model = Conference
        fields = [
            "unit", "title", "held_on", "duration_days", "format", "category", "scope", "participants",
            "is_regular_session", "reheld_after_online", "exception_approved", "exception_ref",
            "budget_allocated", "budget_spent", "opening_speech_min", "closing_speeches_min",
            "longest_presentation_min",
        ]
        widgets = {
            "held_on": DateInput(),
            "title": forms.Textarea(attrs={"rows": 2}),
            "duration_days": forms.NumberInput(attrs={"min": "0.01", "step": "0.25"}),
            "budget_allocated": forms.NumberInput(attrs={"min": 0, "step": 1000}),
            "budget_spent": forms.NumberInput(attrs={"min": 0, "step": 1000}),
            "opening_speech_min": forms.NumberInput(attrs={"min": 0}),
            "closing_speeches_min": forms.NumberInput(attrs={"min": 0}),
            "longest_presentation_min": forms.NumberInput(attrs={"min": 0}),
            "participants": forms.NumberInput(attrs={"min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exception_approved"].widget.attrs["data-controls"] = self["exception_ref"].auto_id
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())

    # Groups of fields as the page shows them (legend, field names).
    groups = (
        (_("Conference"), ("unit", "title", "held_on", "duration_days", "format", "category", "scope", "participants")),
        (_("Statutory session, repetition and exception"), ("is_regular_session", "reheld_after_online", "exception_approved", "exception_ref")),
        (_("Budget and speaking time"), (
            "budget_allocated", "budget_spent", "opening_speech_min", "closing_speeches_min", "longest_presentation_min",
        )),
    )

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.groups]
