"""Template tags of the dashboards: the entry officer's outlook panel for the home page."""
from django import template
from django.utils import timezone

from reporting.dashboards import officer_outlook
from reporting.provisional import standing_of

register = template.Library()


@register.inclusion_tag("reporting/_officer_outlook.html", takes_context=True)
def officer_outlook_panel(context, unit=None, year=None):
    """`{% officer_outlook_panel %}`: the signed-in officer's unit, this year (or the unit and year given)."""
    user = context.get("user")
    unit = unit or getattr(user, "unit", None)
    year = int(year or timezone.localdate().year)
    outlook = officer_outlook(unit, year) if unit is not None else []
    return {
        "outlook": outlook,
        # The year so far: provisional until the year ends and is recomputed.
        "outlook_standing": standing_of([row["result"] for row in outlook if row["result"] is not None]),
        "outlook_unit": unit,
        "outlook_year": year,
        "request": context.get("request"),
    }
