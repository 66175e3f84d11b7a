"""Every paginated page answers past its first page (the uploads list answered 500 to anyone with more than 20)."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from imports.models import ImportBatch
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_uploads_list_answers_past_its_first_page(officer_hn):
    ImportBatch.objects.bulk_create([
        ImportBatch(user=officer_hn, kind="documents", file_name=f"f{i}.csv", status="succeeded")
        for i in range(45)])
    client = _client(officer_hn)
    first = client.get(reverse("imports:home"))
    assert first.status_code == 200 and "45" in first.content.decode()
    for page in (2, 3):
        response = client.get(reverse("imports:home"), {"page": page})
        assert response.status_code == 200, page
    assert f"f0.csv" in client.get(reverse("imports:home"), {"page": 3}).content.decode()


@pytest.mark.parametrize("url, make", [
    ("documents:document_list", lambda unit, i: DocumentFactory(unit=unit, number=f"{i}/QĐ-UBND",
                                                               issued_on=datetime.date(2025, 1, 1 + i % 28))),
    ("meetings:conference_list", lambda unit, i: ConferenceFactory(unit=unit, held_on=datetime.date(2025, 1, 2))),
    ("documents:digitization_list", lambda unit, i: DigitizationReportFactory(unit=unit, year=2000 + i, quarter=1)),
])
def test_every_register_list_answers_past_its_first_page(officer_hn, tree, url, make):
    for i in range(1, 61):
        make(tree["01"], i)
    client = _client(officer_hn)
    for page in (1, 2, "last"):
        response = client.get(reverse(url), {"page": page})
        assert response.status_code == 200, (url, page)


def test_the_audit_trail_answers_past_its_first_page(officer_hn, administrator, tree):
    for i in range(1, 80):
        DocumentFactory(unit=tree["01"], number=f"{i}/QĐ-UBND", issued_on=datetime.date(2025, 2, 1))
    client = _client(administrator)
    for page in (1, 2, "last"):
        assert client.get(reverse("audit_trail"), {"page": page}).status_code == 200, page
