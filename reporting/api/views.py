"""Compliance API (SPEC section 7): targets, results, subtree summaries, and computing a year through Celery.

Scoping: results, units and signals are read through the shared `ScopedQuerysetMixin` (`visible_to(user)`: an entry
officer sees their own subtree only; another unit's summary or signal is a 404). Triggering a compute is for
reviewers and administrators only: entry officers never need to, because their own edits queue a recompute of their
unit automatically (reporting/recompute.py).
"""
from __future__ import annotations

from celery.result import AsyncResult
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reform import task_access
from reform.api.views import ScopedQuerysetMixin
from reform.celery import app as celery_app
from reform.models import Target, TargetThreshold, Unit
from reform.queueing import task_publish

from ..filtersets import ComplianceResultFilterSet, SignalFilterSet
from ..models import ComplianceResult, Signal
from ..signals import signal_review
from ..tasks import compliance_compute_task
from .serializers import (
    ComplianceResultSerializer,
    ComplianceSummarySerializer,
    ComputeRequestSerializer,
    SignalReviewSerializer,
    SignalSerializer,
    SummaryQuerySerializer,
    TargetSerializer,
    TaskAcceptedSerializer,
    TaskStatusSerializer,
)

STATUSES = ("met", "missed", "no_baseline", "no_data", "not_applicable")


class ReviewerOrAdministrator(BasePermission):
    message = _("Only reviewers and administrators can start a computation.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.sees_everything)


def _year_param(request) -> int:
    raw = request.query_params.get("year")
    if raw in (None, ""):
        return timezone.localdate().year
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({"year": [_("Give a year between 2000 and 2100.")]})
    return year


@extend_schema(
    tags=["compliance"],
    parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Year whose thresholds to show (default: now).")],
)
class TargetListView(generics.ListAPIView):
    """The targets of Conclusion 226-KL/TW with the threshold in force for `?year=` (default the current year)."""

    serializer_class = TargetSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return Target.objects.prefetch_related(
            Prefetch("thresholds", queryset=TargetThreshold.objects.order_by("-applies_from"))
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        year = _year_param(self.request)
        for target in page if page is not None else queryset:
            target.year = year
            target.threshold_row = next((t for t in target.thresholds.all() if t.applies_from <= year), None)
        return page


@extend_schema(tags=["compliance"])
class ComplianceResultListView(ScopedQuerysetMixin, generics.ListAPIView):
    """Stored results, one row per unit, year, period and target; filter by year, period, unit, target, status."""

    model = ComplianceResult
    select_related = ("unit",)
    serializer_class = ComplianceResultSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = ComplianceResultFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("unit__path", "year", "period", "target")


def _summary_rows(rows: list[dict]) -> list[dict]:
    """Normalise the selector's rows to the API shape (counts and shares by status, the aggregate)."""
    out = []
    for row in rows:
        counts = dict(row.get("counts") or {})
        shares = dict(row.get("shares") or {})
        for key in STATUSES:
            counts.setdefault(key, row.get(f"n_{key}", 0) or 0)
        n_units = row.get("n_units") or sum(counts[key] for key in STATUSES)
        for key in STATUSES:
            if key not in shares:
                shares[key] = round(counts[key] / n_units, 4) if n_units else None
        out.append({
            "code": row.get("code") or row.get("target"),
            "name": row.get("name", ""),
            "clause": row.get("clause", ""),
            "comparison": row.get("comparison", ""),
            "computed_at": row.get("computed_at"),
            "provisional": bool(row.get("provisional")),
            "window_end": row.get("window_end"),
            "threshold": row.get("threshold"),
            "n_units": n_units,
            "counts": counts,
            "shares": shares,
            "status": row.get("status"),
            "value": row.get("value"),
            "numerator": row.get("numerator"),
            "denominator": row.get("denominator"),
            "baseline": row.get("baseline"),
        })
    return out


@extend_schema(
    tags=["compliance"],
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, description="Default: the current year."),
        OpenApiParameter("period", OpenApiTypes.STR, enum=["Y", "Q1", "Q2", "Q3", "Q4"], description="Default: Y."),
        OpenApiParameter("unit", OpenApiTypes.STR,
                         description="The unit's code (e.g. 79 is the province of Hồ Chí Minh City, never an id); "
                                     "default: the root (TW), or an entry officer's own unit."),
        OpenApiParameter("unit_id", OpenApiTypes.INT, description="The unit's id, instead of its code."),
    ],
    responses={200: ComplianceSummarySerializer, 400: OpenApiResponse(description="Bad filters."),
               404: OpenApiResponse(description="No such unit, or not yours.")},
)
class ComplianceSummaryView(ScopedQuerysetMixin, APIView):
    """Per target over a unit's subtree: how many units are in each status, and the aggregate figure."""

    model = Unit  # the subtree's root is one of the units the caller may see
    permission_classes = [IsAuthenticated]

    def get(self, request):
        from ..selectors import compliance_summary

        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        period = query.validated_data["period"]
        visible = self.get_queryset()
        code = (query.validated_data.get("unit") or "").strip()
        unit_id = query.validated_data.get("unit_id")
        if code or unit_id is not None:
            # A code is a code and an id an id: "79" never falls back to the unit whose id is 79, which could be
            # a unit of the caller's own scope answering for another.
            unit = (visible.filter(code=code) if code else visible.filter(pk=unit_id)).first()
        else:
            unit = visible.filter(parent__isnull=True).order_by("path").first()
            if unit is None and request.user.unit_id:
                unit = request.user.unit  # an entry officer's summary starts at their own unit
        if unit is None:
            raise Http404
        rows = compliance_summary(year=year, period=period, unit=unit)
        data = {"unit": unit.pk, "unit_code": unit.code, "unit_name": unit.name, "year": year, "period": period,
                "targets": _summary_rows(rows)}
        return Response(ComplianceSummarySerializer(data).data)


@extend_schema(
    tags=["compliance"],
    request=ComputeRequestSerializer,
    responses={202: TaskAcceptedSerializer, 400: OpenApiResponse(description="Field errors."),
               403: OpenApiResponse(description="Entry officers cannot start a computation."),
               503: OpenApiResponse(description="The task queue cannot be reached: nothing was started.")},
)
class ComplianceComputeView(APIView):
    """Start computing every target for a year (optionally one unit's subtree); follow it at /api/v1/tasks/<id>/."""

    permission_classes = [ReviewerOrAdministrator]

    def post(self, request):
        serializer = ComputeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = serializer.validated_data.get("unit")
        # The broker down: QueueUnavailable, a 503 with a message (reform/api/exceptions.py).
        result = task_publish(compliance_compute_task,
                              kwargs={"year": serializer.validated_data["year"], "unit_id": unit.pk if unit else None})
        url = reverse("api-task-detail", kwargs={"task_id": result.id})
        return Response({"task_id": result.id, "status_url": url}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["compliance"], responses={200: TaskStatusSerializer})
class TaskDetailView(APIView):
    """A Celery task's state and progress (answered from the result backend). Reviewers and administrators see
    every task (PENDING for an unknown id); anyone else only the tasks of their own uploads and of exports of units
    they may see (reform/task_access.py), anything else is a 404."""

    permission_classes = [IsAuthenticated]

    def get(self, request, task_id: str):
        if not task_access.task_visible(request.user, task_id):
            raise Http404  # another person's task, or one of a unit the caller may not see
        result = AsyncResult(task_id, app=celery_app)
        state = result.state
        info = result.info
        data: dict = {"task_id": task_id, "state": state, "progress": None}
        if state == "PROGRESS" and isinstance(info, dict):
            data["progress"] = {"done": int(info.get("done", 0)), "total": int(info.get("total", 0))}
        elif state == "SUCCESS":
            data["result"] = info if isinstance(info, (dict, list, str, int, float)) or info is None else str(info)
            total = info.get("units") if isinstance(info, dict) else None
            if isinstance(total, int):
                data["progress"] = {"done": total, "total": total}
        elif state in ("FAILURE", "RETRY"):
            data["error"] = f"{type(info).__name__}: {info}" if isinstance(info, BaseException) else str(info)
        return Response(TaskStatusSerializer(data).data)


@extend_schema(tags=["signals"])
class SignalViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Integrity signals (SPEC 7): where a unit's figures may not reflect what happened; filter by year, unit, kind,
    severity. Scoped like the records: an officer sees their unit's subtree, another unit's signal is a 404.
    Sorted by severity (critical first)."""

    model = Signal
    serializer_class = SignalSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = SignalFilterSet
    select_related = ("unit",)

    def get_queryset(self):
        return super().get_queryset().order_by("rank", "unit__path", "kind", "key")

    @extend_schema(request=SignalReviewSerializer, responses={200: SignalSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ReviewerOrAdministrator])
    def review(self, request, pk=None):
        """Mark the signal explained (with a comment), confirmed, or open again (reviewers and administrators)."""
        signal = self.get_object()
        body = SignalReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            signal = signal_review(signal=signal, user=request.user, state=body.validated_data["review_state"],
                                   comment=body.validated_data["review_comment"])
        except DjangoValidationError as error:
            raise DRFValidationError(error.message_dict) from error
        return Response(SignalSerializer(signal, context=self.get_serializer_context()).data)
