"""General pages of the core: logging in (with its refusals), the mixin of administrators' pages, and the unit
pickers' search."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import unitsearch
from .security import SignInRateThrottle, lockout_message, lockout_seconds, throttled_message


class AdministratorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Administrators only: anonymous users go to the login page, anyone else gets 403."""

    raise_exception = False

    def test_func(self) -> bool:
        return self.request.user.is_administrator

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


def _refused_login(request, message: str, wait: float) -> HttpResponse:
    """The login page again, with why signing in was refused: 429, and the user name kept, but no password checked."""
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "refusal": message, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(wait))
    return response


class LoginView(auth_views.LoginView):
    """Django's login page, behind the per-address sign-in rate (axes' lockout acts inside `authenticate`)."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """A reviewer's work starts at the compliance overview; everyone else lands on the home page."""
        if self.request.user.is_reviewer:
            return reverse("reporting:overview")
        return super().get_default_redirect_url()

    def post(self, request, *args, **kwargs):
        throttle = SignInRateThrottle()
        if not throttle.allow_request(request, self):
            return _refused_login(request, throttled_message(throttle.wait()), throttle.wait() or 1)
        return super().post(request, *args, **kwargs)


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what a locked-out sign-in on a web page (/login/, the admin's) answers."""
    return _refused_login(request, lockout_message(), lockout_seconds())


@never_cache
def unit_search(request) -> JsonResponse:
    """`/units/search/?scope=editable&q=hoan kiem`: the units of a picker's scope (reform/unitsearch.py) matching
    what was typed, best first, with their code and province. Anonymous users get a 403 and no unit."""
    if not request.user.is_authenticated:
        return JsonResponse({"results": [], "more": False, "detail": _("Sign in first.")}, status=403)
    scope = request.GET.get("scope", "visible")
    if scope not in unitsearch.scope_names():
        return JsonResponse({"results": [], "more": False, "detail": _("Unknown scope.")}, status=400)
    text = request.GET.get("q", "").replace("\x00", "")[:100]
    return JsonResponse(unitsearch.unit_search(queryset=unitsearch.unit_scope(scope, request.user), text=text))
