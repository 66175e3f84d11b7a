"""Template tags of the reports app: the signed-in user's unread notifications, and a report's figures as people
read them (the words of the exports)."""
from django import template

from reports import exports, locking
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
def status_label(status: str | None) -> str:
    """A stored status in words ("Met", "Not computed")."""
    return exports.status_label(status)


@register.filter
def lock_reason(report) -> str:
    """Why the records of an approved report's window are locked ("Approved in report ... on ..."), else ""."""
    return locking.lock_reason(report) if report is not None and report.state == ReportState.APPROVED else ""
