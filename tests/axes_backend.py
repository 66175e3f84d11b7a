"""The test settings' lockout backend: axes' own, except for `Client.login()`, which authenticates with no request.

Every HTTP sign-in (the login page, the admin, the token endpoint) passes its request and is guarded
exactly as in production; the test client's shortcut has no client address to count, so it is let through.
"""
from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingTestClientLogin(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # nothing to refuse: the next backend checks the password
        return super().authenticate(request, username=username, password=password, **kwargs)
