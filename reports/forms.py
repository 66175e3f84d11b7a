"""Forms of the report pages: their shape only; the services decide and write."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reform.forms import UnitChoiceField
from reform.models import Unit
from reform.unitsearch import unit_scope_register

from .choices import ExportFormat, PeriodCode
from .periods import ReportingPeriod, period_choices, recent_periods, scheduled_codes

PERIOD_YEARS = 3  # the period selects offer this year and the two before it (older periods by code still work)


class PeriodSelectField(forms.ChoiceField):
    """A select of periods by name ("Quý III 2026", "6 tháng đầu năm 2026"), grouped by year, latest first.

    The list is what the page offers; any period written as a code (`2024-Q2`, from a link or a script) is still
    accepted, and shown selected.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)

    def set_periods(self, periods: list[ReportingPeriod], *, today) -> None:
        self.choices = period_choices(periods, today)

    def to_python(self, value):
        value = super().to_python(value)
        return ReportingPeriod.parse(value) if value else None

    def valid_value(self, value) -> bool:
        return True  # a parsed period is valid, listed or not

    def include(self, value, *, today) -> None:
        """Make sure a submitted period is among the options (a period from a link may be older than the list)."""
        try:
            period = ReportingPeriod.parse(value)
        except ValidationError:
            return
        listed = {key for _group, options in self.choices for key, _label in options}
        if str(period) not in listed:
            self.choices = [*self.choices, (str(period.year), period_choices([period], today)[0][1])]


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


def export_units(user) -> QuerySet[Unit]:
    """The units a report can be generated for: the nation and the provinces, or the officer's own subtree's
    localities; current units only (a legacy unit's figures are its successors')."""
    units = Unit.objects.visible_to(user).current().filter(kind="locality")
    if user.sees_everything:
        units = units.filter(level__in=["central", "provincial"])
    return units.only("id", "code", "name", "path", "level", "depth", "valid_until").order_by("path")


# The archive form's unit picker searches the same units (this module is loaded with the URLconf, before any search).
unit_scope_register("export", export_units)


def default_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The latest closed period localities must report on (REPORT_PERIODS), else the latest offered."""
    required = scheduled_codes()
    return next((p for p in periods if p.code in required), periods[0] if periods else None)


class ExportForm(forms.Form):
    unit = UnitChoiceField(label=_("unit"), queryset=Unit.objects.none())
    period = PeriodSelectField(label=_("period"),
                               help_text=_("A period that has not ended gives provisional figures."))
    format = forms.ChoiceField(label=_("format"), choices=ExportFormat.choices)

    def __init__(self, *args, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        periods = recent_periods(today, codes=list(PeriodCode.values), years=PERIOD_YEARS, include_open=True)
        self.fields["period"].set_periods(periods, today=today)
        if self.is_bound:
            self.fields["period"].include(self.data.get("period"), today=today)
        elif not self.initial.get("period"):
            closed = [p for p in periods if p.is_closed(today)]
            self.initial["period"] = str(default_period(closed) or "")
        self.fields["unit"].use_scope("export", user)
        if user.unit_id and not self.initial.get("unit"):
            self.initial["unit"] = user.unit_id


class RateForm(forms.Form):
    """The rate page's filter (GET): a closed period, by default the latest one localities had to report on."""

    period = PeriodSelectField(label=_("period"))
    unit = forms.CharField(label=_("unit"), required=False)

    def __init__(self, data, *, today, **kwargs):
        periods = recent_periods(today, codes=list(PeriodCode.values), years=PERIOD_YEARS)
        data = data.copy()
        if not data.get("period"):
            data["period"] = str(default_period(periods) or today.year)
        super().__init__(data, auto_id="f-%s", **kwargs)
        self.fields["period"].set_periods(periods, today=today)
        self.fields["period"].include(data["period"], today=today)
