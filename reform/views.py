"""General pages of the core: logging in (with its refusals), and the mixin of administrators' pages."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponse
from django.shortcuts import render

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

    def post(self, request, *args, **kwargs):
        throttle = SignInRateThrottle()
        if not throttle.allow_request(request, self):
            return _refused_login(request, throttled_message(throttle.wait()), throttle.wait() or 1)
        return super().post(request, *args, **kwargs)


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what a locked-out sign-in on a web page (/login/, the admin's) answers."""
    return _refused_login(request, lockout_message(), lockout_seconds())
