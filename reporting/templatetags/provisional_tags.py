"""`{% provisional_badge standing %}`: the "provisional, to 1 Dec" badge of a figure whose period has not ended."""
from django import template
from django.utils.html import format_html

from reporting.provisional import Standing, standing_of

register = template.Library()


@register.simple_tag
def provisional_badge(standing=None, *, result=None):
    """The badge of a Standing, or of one stored result (`result=r`); nothing for final figures."""
    if result is not None:
        standing = standing_of([result])
    if not isinstance(standing, Standing) or not standing.provisional:
        return ""
    return format_html('<span class="badge badge--warn badge--provisional" title="{}">{}</span>',
                       standing.title, standing.badge)
