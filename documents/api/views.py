"""API viewsets of the documents register, the document-type catalogue and the digitisation reports."""
from __future__ import annotations

from rest_framework import viewsets

from reform.api.permissions import AdministratorOrReadOnly
from reform.api.views import ScopedRecordViewSet

from ..filtersets import DigitizationReportFilterSet, DocumentFilterSet
from ..models import DigitizationReport, Document, DocumentType
from .serializers import DigitizationReportSerializer, DocumentSerializer, DocumentTypeSerializer


class DocumentTypeViewSet(viewsets.ModelViewSet):
    """The catalogue of document types; `counts_toward_reduction` says which count in DOC_REDUCTION."""

    queryset = DocumentType.objects.all()
    serializer_class = DocumentTypeSerializer
    permission_classes = [AdministratorOrReadOnly]
    lookup_field = "code"
    filterset_fields = ["counts_toward_reduction"]


class DocumentViewSet(ScopedRecordViewSet):
    model = Document
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet


class DigitizationReportViewSet(ScopedRecordViewSet):
    model = DigitizationReport
    serializer_class = DigitizationReportSerializer
    filterset_class = DigitizationReportFilterSet
