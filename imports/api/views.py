"""API of bulk uploads: POST a file (202 and the upload's id), GET its status, download all its errors."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from reform.api.views import ScopedQuerysetMixin

from .. import services
from ..models import ImportBatch
from .serializers import (
    ImportBatchDetailSerializer,
    ImportBatchSerializer,
    ImportCreatedSerializer,
    ImportCreateSerializer,
)


class ImportListCreateView(ScopedQuerysetMixin, generics.ListAPIView):
    """Your uploads (administrators: all), newest first; POST a file to upload it."""

    model = ImportBatch
    select_related = ("user",)
    serializer_class = ImportBatchSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportCreateSerializer, responses={
        202: ImportCreatedSerializer, 403: OpenApiResponse(),
        503: OpenApiResponse(description="The task queue cannot be reached: the upload is marked failed with the reason.")})
    def post(self, request, *args, **kwargs):
        if not services.can_upload(request.user):
            raise PermissionDenied(translation.gettext("Your role cannot upload records."))
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = services.import_create(
            user=request.user, kind=serializer.validated_data["kind"], upload=serializer.validated_data["file"],
            language=translation.get_language() or "", dry_run=serializer.validated_data["dry_run"],
        )
        return Response({"id": batch.pk, "task_id": batch.task_id}, status=status.HTTP_202_ACCEPTED)


class ImportDetailView(ScopedQuerysetMixin, generics.RetrieveAPIView):
    """Status (pending, running, succeeded, failed), progress, counts, errors and changed records of one of your uploads."""

    model = ImportBatch
    select_related = ("user",)
    serializer_class = ImportBatchDetailSerializer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data or "").encode()


class ImportErrorsCsvView(ScopedQuerysetMixin, APIView):
    """Every error of an upload as CSV (line, column, message)."""

    model = ImportBatch
    renderer_classes = [CSVRenderer, JSONRenderer]

    def handle_exception(self, exc):
        # An error is JSON ({"detail": ...}) whatever was negotiated: the CSV renderer would write the error's repr.
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        if not batch.errors_file:
            raise Http404
        return FileResponse(batch.errors_file.open("rb"), as_attachment=True, filename=f"import-{batch.pk}-errors.csv",
                            content_type="text/csv; charset=utf-8")
