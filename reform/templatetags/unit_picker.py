"""The unit picker on list filters: the data-* attributes unit_picker.js reads, for the units the user may see."""
from django import template
from django.forms.utils import flatatt

from reform.unitsearch import unit_options, unit_resolve, unit_scope
from reform.widgets import picker_attrs

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_filter_attrs(context, value: str = ""):
    """Attributes of a filter input holding a unit code or name (`subtree`): the picker searches the units the user
    may see and shows the unit the value designates, if one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    current = None
    if value and user is not None and user.is_authenticated:
        unit, _candidates = unit_resolve(unit_scope("visible", user), value)
        current = unit_options([unit])[0] if unit is not None else None
    return flatatt(picker_attrs(scope="visible", value_field="code", current=current))
