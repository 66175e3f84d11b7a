"""Shared pieces of the record forms: the unit choice limited to what the user may edit."""
from __future__ import annotations

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Unit, User


class DateInput(forms.DateInput):
    """A native date picker; the value is always ISO so the browser understands it in any language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} – {obj.name}"


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
        self.fields["unit"].queryset = (Unit.objects.editable_by(user).only("id", "code", "name", "path", "valid_until")
                                        .order_by(F("valid_until").asc(nulls_first=True), "path"))
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
