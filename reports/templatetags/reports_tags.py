"""Template tags of the reports app: the signed-in user's unread notifications."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context, limit: int = 10):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(user.notifications.filter(read_at__isnull=True).order_by("-created_at")[:limit])
