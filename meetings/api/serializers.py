"""Serializer of the conferences register (SPEC 7)."""
from __future__ import annotations

from rest_framework import serializers

from reform.api.serializers import UnitRecordSerializer
from reporting.limits import conference_breaches

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


class ConferenceWrittenSerializer(ConferenceSerializer):
    """What a create or an update answers: the conference and the limits of 226-KL/TW it goes over (`warnings`,
    as the form shows them). A warning, never a refusal: the conference is saved all the same."""

    warnings = serializers.SerializerMethodField(
        help_text="The limits this conference goes over (duration, speeches, budget, the cap on all-leaders "
                  "conferences), in the user's language; empty when it keeps them. It is saved all the same.")

    class Meta(ConferenceSerializer.Meta):
        fields = [*ConferenceSerializer.Meta.fields, "warnings"]

    def get_warnings(self, conference) -> list[str]:
        return [breach.message for breach in conference_breaches(conference)]
