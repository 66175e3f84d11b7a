"""Reports API: request an export (202), follow it, download it; read period reports. Scoped like the records."""
from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from reform.api.views import ScopedQuerysetMixin

from .. import services
from ..exports import MEDIA_TYPES
from ..models import PeriodReport, PeriodReportEvent, ReportExport
from .serializers import (
    ExportAcceptedSerializer,
    ExportRequestSerializer,
    PeriodReportDecisionSerializer,
    PeriodReportSerializer,
    PeriodReportSubmitSerializer,
    ReportExportSerializer,
)

REFUSED = {400: OpenApiResponse(description="Field errors, or the report is not in the state this needs."),
           403: OpenApiResponse(description="Your role cannot do this."),
           404: OpenApiResponse(description="No such report, or not in your subtree.")}


class ExportScope(ScopedQuerysetMixin):
    """The exports of the caller's subtree (every export for reviewers and administrators)."""

    model = ReportExport
    select_related = ("unit", "requested_by")


class PeriodReportScope(ScopedQuerysetMixin):
    """The period reports of the caller's subtree (every one for reviewers and administrators), with their history."""

    model = PeriodReport
    select_related = ("unit", "submitted_by", "decided_by")

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("events", queryset=PeriodReportEvent.objects.select_related("actor")))


@extend_schema(tags=["reports"])
class ReportExportListCreateView(ExportScope, generics.ListCreateAPIView):
    """The report archive (your subtree's exports) and `POST` to generate a new XLSX, PDF or CSV export."""

    serializer_class = ReportExportSerializer

    @extend_schema(request=ExportRequestSerializer,
                   responses={202: ExportAcceptedSerializer, 400: OpenApiResponse(description="Field errors."),
                              503: OpenApiResponse(description="The task queue cannot be reached: the export is "
                                                               "marked failed with the reason.")})
    def post(self, request, *args, **kwargs):
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        export = services.export_request(
            user=request.user, unit=data["unit"], period=data["period"], format=data["format"],
            language=getattr(request, "LANGUAGE_CODE", None),
        )
        return Response({"id": export.pk, "task_id": export.task_id}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["reports"])
class ReportExportDetailView(ExportScope, generics.RetrieveAPIView):
    """One export: `status` (pending, running, ready, failed), `progress` and, when ready, `download_url`."""

    serializer_class = ReportExportSerializer


@extend_schema(tags=["reports"],
               responses={**{(200, media_type): OpenApiTypes.BINARY for media_type in MEDIA_TYPES.values()},
                          404: OpenApiResponse(description="No such export, not yours, or not ready.")})
class ReportExportDownloadView(ExportScope, APIView):
    """The export file itself (XLSX, PDF or CSV), with the token like every endpoint: `download_url` points here."""

    def get(self, request, pk: int):
        export = get_object_or_404(self.get_queryset(), pk=pk)
        if not export.file:
            raise Http404(_("This report is not ready."))
        filename = f"bao-cao_{export.unit.code}_{export.period_label}.{export.format}"
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename,
                            content_type=MEDIA_TYPES[export.format])


@extend_schema(tags=["reports"])
class PeriodReportListView(PeriodReportScope, generics.ListCreateAPIView):
    """Period reports of your subtree (everything for reviewers), with their state and history; `POST` submits
    (or resubmits after a return) your locality's report for a closed period, as the report page does."""

    serializer_class = PeriodReportSerializer
    filterset_fields = ["year", "period", "state", "unit"]

    @extend_schema(request=PeriodReportSubmitSerializer, responses={201: PeriodReportSerializer, **REFUSED})
    def post(self, request, *args, **kwargs):
        data = PeriodReportSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.report_submit(
            user=request.user, unit=values["unit"], year=values["period"].year, period=values["period"].code,
            difficulties=values["difficulties"], proposals=values["proposals"])
        return Response(PeriodReportSerializer(self.get_queryset().get(pk=report.pk)).data,
                        status=status.HTTP_201_CREATED)


class _PeriodReportStep(PeriodReportScope, APIView):
    """One workflow step on a report of the caller's subtree, through the same service (rules, audit) as the page."""

    def step(self, request, report, comment: str):  # pragma: no cover - each step defines it
        raise NotImplementedError

    def post(self, request, pk: int):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        data = PeriodReportDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.step(request, report, data.validated_data["comment"])
        return Response(PeriodReportSerializer(self.get_queryset().get(pk=pk)).data)


@extend_schema(tags=["reports"], request=PeriodReportDecisionSerializer,
               responses={200: PeriodReportSerializer, **REFUSED})
class PeriodReportApproveView(_PeriodReportStep):
    """A reviewer approves a submitted report (with an optional comment): its window is locked."""

    def step(self, request, report, comment):
        services.report_approve(user=request.user, report=report, comment=comment)


@extend_schema(tags=["reports"], request=PeriodReportDecisionSerializer,
               responses={200: PeriodReportSerializer, **REFUSED})
class PeriodReportReturnView(_PeriodReportStep):
    """A reviewer returns a submitted report with a comment saying what to fix."""

    def step(self, request, report, comment):
        services.report_return(user=request.user, report=report, comment=comment)


@extend_schema(tags=["reports"], request=PeriodReportDecisionSerializer,
               responses={200: PeriodReportSerializer, **REFUSED})
class PeriodReportReopenView(_PeriodReportStep):
    """An administrator reopens an approved report, with the reason (`comment`): its window is unlocked."""

    def step(self, request, report, comment):
        services.report_reopen(user=request.user, report=report, reason=comment)


@extend_schema(tags=["reports"])
class PeriodReportDetailView(PeriodReportScope, generics.RetrieveAPIView):
    serializer_class = PeriodReportSerializer
