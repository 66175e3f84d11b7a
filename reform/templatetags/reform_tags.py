"""Template helpers of the web pages: sortable headers, yes/no badges, form fields, diffs."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False) -> str:
    """A column header that sorts the list by `key`, toggling the direction, with aria-sort set."""
    current = context.get("sort", "")
    base = context.get("sort_query_string", "")
    if current == key:
        next_key, state, arrow = f"-{key}", "ascending", "▲"
    elif current == f"-{key}":
        next_key, state, arrow = key, "descending", "▼"
    else:
        next_key, state, arrow = key, "none", ""
    href = f"?{base}&sort={next_key}" if base else f"?sort={next_key}"
    return format_html(
        '<th scope="col" aria-sort="{}" class="{}"><a href="{}">{} <span class="sort-indicator" aria-hidden="true">{}</span></a></th>',
        state, "num" if numeric else "", href, label, arrow,
    )


@register.simple_tag
def yes_no(value) -> str:
    if value is None:
        return format_html('<span class="muted">—</span>')
    if value:
        return format_html('<span class="badge badge--yes">{}</span>', _("Yes"))
    return format_html('<span class="badge badge--no">{}</span>', _("No"))


@register.inclusion_tag("reform/_field.html")
def form_field(field, css: str = "") -> dict:
    from django import forms

    return {"field": field, "css": css, "is_check": isinstance(field.field.widget, forms.CheckboxInput)}


@register.filter
def page_query(query_string: str, page: int) -> str:
    return f"?{query_string}&page={page}" if query_string else f"?page={page}"
