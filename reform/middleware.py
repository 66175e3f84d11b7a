"""The language of every request: Vietnamese, unless the person chose another one (the language cookie).

Django's LocaleMiddleware takes the browser's Accept-Language when there is no choice, so an en-US browser
got English pages before its user chose anything. Here only the explicit choice counts: the cookie that
Django's set_language view (the EN/VI buttons of every page) writes, kept for LANGUAGE_COOKIE_AGE.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str | None:
    """The language the person chose (a supported one), or None when they chose none."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware that ignores Accept-Language: the chosen language, else settings.LANGUAGE_CODE."""

    def process_request(self, request):
        translation.activate(chosen_language(request) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The page depends on the cookie, not on Accept-Language (no language prefix in the URLs to redirect to).
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
