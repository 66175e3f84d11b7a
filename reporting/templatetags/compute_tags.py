"""Template tags of compute runs: the banners of a recompute that failed or a policy change still waiting."""
from django import template

from reporting.runs import last_failure, policy_waiting, unanswered_failures

register = template.Library()


@register.inclusion_tag("reporting/_compute_notices.html", takes_context=True)
def compute_notices(context, year=None):
    """`{% compute_notices filters.year %}` on a dashboard: the year's unanswered failure, the waiting policy change."""
    year = int(year) if year not in (None, "") else None
    return {
        "failure": last_failure(year=year) if year is not None else None,
        "waiting": policy_waiting(),
        "computed_at": context.get("computed_at"),
    }


@register.inclusion_tag("admin/reporting/_compute_notices.html")
def admin_compute_notices():
    """`{% admin_compute_notices %}` on the admin index: every year's unanswered failure, the waiting policy change."""
    return {"failures": unanswered_failures(), "waiting": policy_waiting()}
