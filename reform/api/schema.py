"""The OpenAPI schema's error answers, stated once: which operations can answer 400, 401, 403, 404, 409 and with what.

drf-spectacular documents only the success of an operation; `AutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)
adds the errors the API's machinery really gives, read off the operation itself, so a new endpoint cannot forget
them. An error an endpoint gives of its own (a 429 of the sign-in, a 503 of a queue that cannot be reached) is
declared on the view with `extend_schema(responses=...)`, and gets the shared body here.
"""
from __future__ import annotations

from django.db.models import PROTECT, RESTRICT
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, get_view_model
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.settings import api_settings

# {"detail": "..."}: every refusal that is not about the fields (DRF's exceptions, reform/api/exceptions.py).
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

# DRF's ValidationError, the serializers' and the filters' (Django's turned into it by reform/api/exceptions.py):
# each field's messages, `non_field_errors` for the others, or `detail` for a body that could not be read.
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field's messages; `%s` for errors on no field; `detail` when the request could not be read."
                   % api_settings.NON_FIELD_ERRORS_KEY,
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

# status code -> (component, its schema, what it means unless the view says better)
ERRORS = {
    "400": ("FieldErrors", FIELD_ERRORS,
            "Field errors (a value missing, malformed or out of range, a filter's value, a record in a period that an "
            "approved report locked), or a body that could not be read."),
    "401": ("Error", ERROR, "Not signed in: no token, or a wrong, expired or logged-out one."),
    "403": ("Error", ERROR, "Your role may not do this (or a session's CSRF check failed)."),
    "404": ("Error", ERROR, "No such object, or not in your subtree (or a page past the last)."),
    "409": ("Error", ERROR, "Other records still use the object: nothing was deleted."),
    "429": ("Error", ERROR, "Too many requests: wait as Retry-After says."),
    "503": ("Error", ERROR, "The task queue cannot be reached: nothing was started."),
}

# Query parameters that cannot make a request fail with 400 (a bad page or format is a 404, a bad page size the
# default).
NOT_FIELDS = {"page", "page_size", "format"}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in sorted(self.error_codes(operation) | {code for code in responses if code in ERRORS}):
            name, schema, description = ERRORS[code]
            response = responses.setdefault(code, {"description": description})
            if not response.get("content"):
                response["content"] = self._error_content(name, schema)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_codes(self, operation: dict) -> set[str]:
        """The errors this operation can answer, from what it takes and who may call it."""
        codes = set()
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "requestBody" in operation or query - NOT_FIELDS:
            codes.add("400")
        security = operation.get("security", [])
        if security and {} not in security:
            codes.add("401")
            if self.method not in SAFE_METHODS and self._may_refuse():
                codes.add("403")
        if any(p["in"] == "path" for p in operation.get("parameters", [])) or "format" in query or (
                self.method == "GET" and self._is_list_view() and self._get_paginator()):
            codes.add("404")
        if self.method == "DELETE" and self._is_protected():
            codes.add("409")
        return codes

    def _may_refuse(self) -> bool:
        """A write can be refused (403) by a permission beyond being signed in, or by a session's CSRF check."""
        return any(not isinstance(p, (IsAuthenticated, AllowAny)) for p in self.view.get_permissions()) or any(
            isinstance(a, SessionAuthentication) for a in self.view.get_authenticators())

    def _is_protected(self) -> bool:
        """Deleting can be refused (409) when other rows point at the object with PROTECT or RESTRICT."""
        model = get_view_model(self.view, emit_warnings=False)
        return model is not None and any(
            getattr(relation, "on_delete", None) in (PROTECT, RESTRICT) for relation in model._meta.related_objects)

    def _error_content(self, name: str, schema: dict) -> dict:
        """An error is rendered like the view's answers: JSON, or the view's own format (a CSV view's is text)."""
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return {media_type: {"schema": component.ref if "json" in media_type else {"type": "string"}}
                for media_type in self.map_renderers("media_type")}
