"""Turn Django's model-validation and protection errors into the API's 400/409 answers, field by field, a body
too deeply nested to decode into a 400, and a task queue that cannot be reached into a 503."""
from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from reform.queueing import QueueUnavailable


def validation_error_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """`{"field": ["message", ...]}`; errors on no field go under `non_field_errors`."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object is still in use."
    default_code = "conflict"


class TooManySignIns(exceptions.APIException):
    """429 on the token endpoint: locked out (axes) or too many attempts from the address (throttle)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"

    def __init__(self, detail: str, wait: float | None = None):
        super().__init__(detail)
        self.wait = wait  # DRF's handler turns it into a Retry-After header


class ServiceUnavailable(exceptions.APIException):
    """503: the work could not be queued (the broker is down); nothing was started, the row says why."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "queue_unavailable"


def exception_handler(exc, context):
    if isinstance(exc, RecursionError) and "decoding" in str(exc):
        # `[[[[...` a hundred thousand levels deep: json.loads raises RecursionError, which DRF's parsers do
        # not turn into a parse error, so every JSON endpoint answered 500, anonymously.
        exc = exceptions.ParseError(_("JSON parse error - the document is nested too deeply."))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(_("This object is still used by other records and cannot be deleted."))
    elif isinstance(exc, QueueUnavailable):
        exc = ServiceUnavailable(str(exc))
    return drf_exception_handler(exc, context)
