"""Template tags of the reports app: the signed-in user's unread notifications and their unit's overdue reports, and an
approved report's lock."""
from django import template
from django.utils import timezone

from reports import locking
from reports.choices import ReportState

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context, limit: int = 10):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(user.notifications.filter(read_at__isnull=True).order_by("-created_at")[:limit])


@register.filter
def lock_reason(report) -> str:
    """Why the records of an approved report's window are locked ("Approved in report ... on ..."), else ""."""
    return locking.lock_reason(report) if report is not None and report.state == ReportState.APPROVED else ""


@register.simple_tag(takes_context=True)
def overdue_reports(context):
    """The required reports the entry officer's locality has not submitted by their deadline (none for others)."""
    from reports.selectors import overdue_periods

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_entry_officer or user.unit is None \
            or not user.unit.is_locality:
        return []
    return overdue_periods(unit=user.unit, today=timezone.localdate())
