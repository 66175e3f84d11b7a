"""Shared pieces of the record forms: the unit choice (a searchable picker) limited to what the user may edit."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Unit, User
from .unitsearch import unit_options, unit_resolve, unit_scope
from .widgets import UnitPickerWidget


class DateInput(forms.DateInput):
    """A native date picker; the value is always ISO so the browser understands it in any language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """A unit, chosen with the unit picker (reform/widgets.py) among the units of a scope (reform/unitsearch.py).

    `use_scope(name, user)` sets the choices and the picker's search to the same units. Up to INLINE_LIMIT of
    them, the plain control is a select of ids; beyond, a text box that takes the code or the name of a unit
    (a name must designate one unit: several answer an error listing them with their codes).
    """

    widget = UnitPickerWidget
    INLINE_LIMIT = 300

    def use_scope(self, name: str, user: User, *, queryset=None) -> None:
        self.queryset = queryset if queryset is not None else unit_scope(name, user)
        self.widget.scope, self.widget.units = name, self.queryset
        self.widget.inline = self.queryset.count() <= self.INLINE_LIMIT

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} – {obj.name}"

    def to_python(self, value):
        if self.widget.inline or value in self.empty_values or isinstance(value, Unit):
            return super().to_python(value)
        unit, candidates = unit_resolve(self.queryset, str(value))
        if unit is not None:
            return unit
        if not candidates:
            raise ValidationError(_("No unit you may choose here is named or coded “%(value)s”.") % {"value": value},
                                  code="invalid_choice")
        shown = ", ".join(f"{option['code']} {option['name']}" for option in unit_options(candidates[:5]))
        raise ValidationError(
            _("“%(value)s” names several units (%(units)s…): type the code of the one you mean.")
            % {"value": value, "units": shown}, code="ambiguous")


class RecordForm(forms.ModelForm):
    """A ModelForm used for the shape of a record only: the service validates and writes.

    The unit choice lists the units the user may edit (an entry officer's own unit and those below
    it, then the legacy units it succeeds), defaulting to the officer's own unit, so a forged choice for another unit is refused here
    before the service refuses it again.
    """

    unit = UnitChoiceField(label=_("unit"), queryset=Unit.objects.none())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Current units first, then the legacy units (before 1 July 2025) the user may still record for.
        self.fields["unit"].use_scope("editable", user, queryset=(
            unit_scope("editable", user).only("id", "code", "name", "path", "valid_until")
            .order_by(F("valid_until").asc(nulls_first=True), "path")))
        if not self.instance.pk and user.unit_id and not self.initial.get("unit"):
            self.initial["unit"] = user.unit_id
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                continue
            if getattr(field, "required", False):
                field.widget.attrs.setdefault("required", True)

    def _post_clean(self):
        # Model validation runs once, in the service (reform.services), for forms, API and uploads alike.
        pass

    @classmethod
    def model_fields(cls) -> set[str]:
        return set(cls._meta.fields)
