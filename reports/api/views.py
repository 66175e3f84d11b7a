"""Reports API: request an export (202), follow it, download it; read period reports. Scoped like the records."""
from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from .. import selectors, services
from ..models import PeriodReportEvent
from .serializers import (
    ExportAcceptedSerializer,
    ExportRequestSerializer,
    PeriodReportSerializer,
    ReportExportSerializer,
)


@extend_schema(tags=["reports"])
class ReportExportListCreateView(generics.ListCreateAPIView):
    """The report archive (your subtree's exports) and `POST` to generate a new XLSX, PDF or CSV export."""

    serializer_class = ReportExportSerializer

    def get_queryset(self):
        return selectors.exports_visible_to(self.request.user)

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
class ReportExportDetailView(generics.RetrieveAPIView):
    """One export: `status` (pending, running, ready, failed), `progress` and, when ready, `download_url`."""

    serializer_class = ReportExportSerializer

    def get_queryset(self):
        return selectors.exports_visible_to(self.request.user)


def _reports(user):
    return selectors.reports_visible_to(user).prefetch_related(
        Prefetch("events", queryset=PeriodReportEvent.objects.select_related("actor"))
    )


@extend_schema(tags=["reports"])
class PeriodReportListView(generics.ListAPIView):
    """Period reports of your subtree (everything for reviewers), with their state and history."""

    serializer_class = PeriodReportSerializer
    filterset_fields = ["year", "period", "state", "unit"]

    def get_queryset(self):
        return _reports(self.request.user)


@extend_schema(tags=["reports"])
class PeriodReportDetailView(generics.RetrieveAPIView):
    serializer_class = PeriodReportSerializer

    def get_queryset(self):
        return _reports(self.request.user)
