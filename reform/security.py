"""Sign-in protection shared by /login/ and the API's token endpoint: the per-address rate and the refusals' wording.

The lockout itself (too many wrong passwords for one user name from one address) is django-axes'; the
rate of attempts from one address is DRF's throttle. Both read the client address through axes, so the
one AXES_IPWARE_* setting behind a reverse proxy serves both.
"""
from __future__ import annotations

from math import ceil

from axes.helpers import get_client_ip_address, get_cool_off
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle


class SignInRateThrottle(SimpleRateThrottle):
    """Sign-in attempts, right or wrong, per client address: the login page and the token endpoint count together."""

    scope = "sign-in"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": get_client_ip_address(request)}


def lockout_seconds() -> int:
    return int(get_cool_off().total_seconds())


def lockout_message() -> str:
    minutes = max(1, ceil(lockout_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts for this user name from your address. "
        "Signing in is locked for %(minutes)d minute; try again later or ask your administrator.",
        "Too many failed sign-in attempts for this user name from your address. "
        "Signing in is locked for %(minutes)d minutes; try again later or ask your administrator.",
        minutes,
    ) % {"minutes": minutes}


def throttled_message(wait: float | None) -> str:
    seconds = max(1, ceil(wait or 1))
    return ngettext(
        "Too many sign-in attempts from your address. Try again in %(seconds)d second.",
        "Too many sign-in attempts from your address. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}
