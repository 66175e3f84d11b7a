"""Forms of the report pages: their shape only; the services decide and write."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reform.forms import UnitChoiceField
from reform.models import Unit

from .choices import ExportFormat
from .periods import ReportingPeriod


class PeriodChoiceField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return ReportingPeriod.parse(value) if value else None


class SubmitForm(forms.Form):
    period = forms.ChoiceField(label=_("period"))
    difficulties = forms.CharField(label=_("difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    proposals = forms.CharField(label=_("proposals"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, periods: list[ReportingPeriod], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(p), p.label) for p in periods]

    def clean_period(self) -> ReportingPeriod:
        return ReportingPeriod.parse(self.cleaned_data["period"])


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ExportForm(forms.Form):
    unit = UnitChoiceField(label=_("unit"), queryset=Unit.objects.none())
    period = PeriodChoiceField(label=_("period"), help_text=_("e.g. 2026-Q3, 2026-H1, 2026-M9 or 2026."))
    format = forms.ChoiceField(label=_("format"), choices=ExportFormat.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The nation and the provinces, or the officer's own subtree's localities: current units only (a legacy unit's
        # figures are its successors').
        units = Unit.objects.visible_to(user).current().filter(kind="locality")
        if user.sees_everything:
            units = units.filter(level__in=["central", "provincial"])
        self.fields["unit"].queryset = units.only("id", "code", "name", "path").order_by("path")
        if user.unit_id and not self.initial.get("unit"):
            self.initial["unit"] = user.unit_id


class RateForm(forms.Form):
    period = PeriodChoiceField(label=_("period"))
    unit = forms.CharField(label=_("unit"), required=False)
