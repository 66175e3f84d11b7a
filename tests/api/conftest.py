"""Fixtures of the API tests: token-authenticated clients and a valid payload for each register."""
from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory


@pytest.fixture
def client_for(db):
    """An API client authenticated with the user's token, the way other systems call the API."""

    def make(user) -> APIClient:
        _, token = AuthToken.objects.create(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


def document_payload(unit, **overrides) -> dict:
    return {
        "unit": unit.pk, "number": "15/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định ban hành quy chế",
        "issued_on": "2025-05-06", "is_digitized": True, "sent_electronically": True, **overrides,
    }


def conference_payload(unit, **overrides) -> dict:
    return {
        "unit": unit.pk, "title": "Hội nghị quán triệt Kết luận 226", "held_on": "2025-05-06",
        "duration_days": "0.50", "format": "online", "category": "dissemination", "scope": "specialized",
        **overrides,
    }


def report_payload(unit, **overrides) -> dict:
    return {"unit": unit.pk, "year": 2025, "quarter": 2, "procedures_total": 120, "procedures_digital": 118, **overrides}


# endpoint -> (model, factory, payload builder, a field to change on update and its new value)
RESOURCES = {
    "documents": (Document, DocumentFactory, document_payload, ("title", "Tiêu đề mới")),
    "conferences": (Conference, ConferenceFactory, conference_payload, ("title", "Tiêu đề mới")),
    "digitization-reports": (DigitizationReport, DigitizationReportFactory, report_payload, ("procedures_total", 500)),
}


@pytest.fixture(params=list(RESOURCES), ids=list(RESOURCES))
def resource(request):
    """Each register endpoint in turn, as (url, model, factory, payload builder, update)."""
    model, factory, payload, update = RESOURCES[request.param]
    return f"/api/v1/{request.param}/", model, factory, payload, update
