"""Serializer of the conferences register (SPEC 7)."""
from __future__ import annotations

from reform.api.serializers import UnitRecordSerializer

from ..models import Conference


class ConferenceSerializer(UnitRecordSerializer):
    """A conference held; amounts in VND, speeches in minutes, duration in days."""

    class Meta:
        model = Conference
        fields = [
            "id", "unit", "unit_code", "title", "held_on", "duration_days", "format", "category", "scope",
            "is_regular_session", "exception_approved", "exception_ref", "reheld_after_online",
            "budget_allocated", "budget_spent", "opening_speech_min", "closing_speeches_min",
            "longest_presentation_min", "participants", "locked",
        ]
