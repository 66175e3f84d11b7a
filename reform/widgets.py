"""The unit picker widget: a searchable choice of a unit by name or code, that works without JavaScript too.

Without JavaScript it is a plain control: a select when the user may choose among few units (an officer's
commune), a text box taking a code or a name when they are many (an administrator's 3,000 and more), so no
page carries thousands of options. With JavaScript (static/js/unit_picker.js, on the vendored Tom Select) it
becomes a search box that asks `/units/search/` (the same scope as the form) as the person types, and shows
each unit with its code and province.
"""
from __future__ import annotations

import json

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def picker_attrs(*, scope: str, value_field: str, current: dict | None) -> dict[str, str]:
    """The data-* attributes unit_picker.js reads (also used by the list filters' plain input)."""
    return {
        "data-unit-picker": "",
        "data-search-url": f"{reverse('unit_search')}?{urlencode({'scope': scope})}",
        "data-value-field": value_field,
        "data-current": json.dumps(current, ensure_ascii=False) if current else "",
        "data-placeholder": _("Type a name or a code"),
        "data-no-results": _("No unit matches."),
        "data-clear": _("Clear the choice"),
    }


class UnitPickerWidget(forms.Select):
    """A `<select>` of unit ids while `inline` (few units), else a text box taking a unit code or name."""

    input_type = "text"
    inline_template = "django/forms/widgets/select.html"
    search_template = "django/forms/widgets/input.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.scope = "editable"
        self.inline = True
        self.units = None  # the field's queryset, to show the current unit

    @property
    def template_name(self) -> str:
        return self.inline_template if self.inline else self.search_template

    def _current(self, value):
        """The unit `value` names (a unit, an id, or in search mode a code), as the picker shows it, or None."""
        from .models import Unit
        from .unitsearch import unit_option, unit_options

        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value in (None, ""):
            return None
        if isinstance(value, Unit):
            return unit_options([value])[0]
        units = self.units if self.units is not None else Unit.objects.all()
        text = str(value).strip()
        if isinstance(value, int) or (self.inline and text.isdigit()):
            unit = units.filter(pk=int(text)).first()
        else:
            unit = units.filter(code__iexact=text).first()
        return unit_options([unit])[0] if unit else None

    def get_context(self, name, value, attrs):
        current = self._current(value)
        attrs = {**(attrs or {}), **picker_attrs(scope=self.scope, value_field="id" if self.inline else "code",
                                                 current=current)}
        if self.inline:
            return super().get_context(name, value, attrs)
        # Search mode: a text box holding the code (no options are built, however many units there are).
        context = forms.Widget.get_context(self, name, current["code"] if current else (value or ""), attrs)
        context["widget"]["type"] = self.input_type
        context["widget"]["attrs"].setdefault("placeholder", _("Code or name of the unit"))
        context["widget"]["attrs"]["autocomplete"] = "off"
        return context

    def format_value(self, value):
        return super().format_value(value) if self.inline else value
