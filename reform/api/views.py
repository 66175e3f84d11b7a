"""The shared scoped viewsets of the API, the units endpoint and token authentication.

`ScopedRecordViewSet` is the one way a register is exposed: it reads through
`Model.objects.visible_to(user)` (so another unit's record is a 404) and writes only through
`reform.services`, which apply scoping, `full_clean()`, locking guards and the audit trail.
"""
from __future__ import annotations

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox import views as knox_views
from rest_framework import viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from reform import services
from reform.filtersets import UnitFilterSet
from reform.models import Unit
from reform.querysets import scoped_queryset
from reform.security import SignInRateThrottle, lockout_message, lockout_seconds, throttled_message

from .exceptions import TooManySignIns
from .permissions import RecordPermission
from .serializers import TokenRequestSerializer, TokenResponseSerializer, UnitSerializer


class ScopedQuerysetMixin:
    """get_queryset() = `model.objects.visible_to(request.user)` (`reform.querysets.scoped_queryset`) with the joins
    the serializer needs: every API view of a unit-owned object (or an upload) reads through it."""

    model: type[Model]
    select_related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return self.model._default_manager.none()
        queryset = scoped_queryset(self.model, self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset


class ScopedRecordViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """CRUD of a register; every write is a call to a service, never `serializer.save()`."""

    permission_classes = [RecordPermission]
    select_related = ("unit",)

    def perform_create(self, serializer) -> None:
        serializer.instance = services.record_create(
            model=self.model, user=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = services.record_update(
            instance=serializer.instance, user=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance) -> None:
        services.record_delete(instance=instance, user=self.request.user)


class UnitViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The unit tree as far as the user can see it (an entry officer: their unit and below)."""

    model = Unit
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("successions__successor", "predecessions__predecessor")


class TokenView(knox_views.LoginView):
    """Exchange a username and password for a new API token (`Authorization: Token <token>`).

    Each call issues a token of its own (another client's keeps working); a token lapses after
    REST_KNOX's idle time or maximum age, and dies on logout or a password change. The per-address
    rate and axes' lockout answer 429 with a `detail`.
    """

    authentication_classes: list = []  # the credentials are in the body
    permission_classes = [AllowAny]
    throttle_classes = [SignInRateThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong or missing credentials."),
            429: OpenApiResponse(description="Locked out after repeated failures, or too many attempts from the address."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # axes flags the request it refused (or whose failure reached the limit) during authenticate().
            if getattr(request, "axes_locked_out", False):
                raise TooManySignIns(lockout_message(), wait=lockout_seconds())
            raise ValidationError(serializer.errors)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)

    def get_post_response_data(self, request, token, instance) -> dict:
        return {"token": token}

    def throttled(self, request, wait):
        raise TooManySignIns(throttled_message(wait), wait=wait)


class LogoutView(knox_views.LogoutView):
    """Revoke the token this request was made with; the user's other tokens (other clients) keep working."""

    @extend_schema(operation_id="auth_logout_create", request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format=format)


class _WithoutFormatOverride:
    """DRF's settings, except that `?format=` does not choose the renderer."""

    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class AcceptHeaderNegotiation(DefaultContentNegotiation):
    """For endpoints where `format` is a filter (conferences, SPEC 7): the renderer comes from `Accept` only."""

    settings = _WithoutFormatOverride()
