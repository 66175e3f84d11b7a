"""API viewset of the conferences register."""
from __future__ import annotations

from reform.api.views import AcceptHeaderNegotiation, ScopedRecordViewSet

from ..filtersets import ConferenceFilterSet
from ..models import Conference
from .serializers import ConferenceSerializer, ConferenceWrittenSerializer


class ConferenceViewSet(ScopedRecordViewSet):
    model = Conference
    serializer_class = ConferenceSerializer
    filterset_class = ConferenceFilterSet
    # `format` (in_person/online/hybrid) is a filter of the SPEC contract, so it cannot pick the renderer.
    content_negotiation_class = AcceptHeaderNegotiation

    def get_serializer_class(self):
        """A write answers with the limits the conference goes over, as the form warns (lists stay as they are)."""
        if self.action in ("create", "update", "partial_update"):
            return ConferenceWrittenSerializer
        return ConferenceSerializer
