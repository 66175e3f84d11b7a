"""List endpoints run a fixed number of queries whatever the number of rows (no N+1)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory, UnitFactory


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(context.captured_queries), response.json()["count"]


def _make(factory, unit, n, start):
    for i in range(start, start + n):
        if factory is DigitizationReportFactory:
            factory(unit=UnitFactory(code=f"X{i:04d}", level="commune", parent=unit), year=2025, quarter=1)
        else:
            factory(unit=unit)


@pytest.mark.parametrize("factory, url", [
    (DocumentFactory, "/api/v1/documents/"),
    (ConferenceFactory, "/api/v1/conferences/"),
    (DigitizationReportFactory, "/api/v1/digitization-reports/"),
])
@pytest.mark.parametrize("who", ["officer_hn", "reviewer"])
def test_record_lists_run_a_constant_number_of_queries(request, client_for, tree, factory, url, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    _make(factory, tree["01"], 1, 0)
    few, count_few = _count_queries(client, url)
    _make(factory, tree["01"], 29, 1)
    many, count_many = _count_queries(client, url)
    assert (count_few, count_many) == (1, 30)
    assert few == many
    # token (2: knox finds it, then sweeps the user's expired ones), (the officer's unit), count, page,
    # the period-lock check (reports.locking: the legacy units' default successors, the approved reports)
    assert many <= 7


def test_unit_and_document_type_lists_run_a_constant_number_of_queries(client_for, officer_hn, tree):
    client = client_for(officer_hn)
    few, _ = _count_queries(client, "/api/v1/units/")
    for i in range(30):
        UnitFactory(code=f"Y{i:04d}", level="commune", parent=tree["01"])
    many, count = _count_queries(client, "/api/v1/units/")
    assert count == 34 and few == many
    types, _ = _count_queries(client, "/api/v1/document-types/")
    assert types <= 4  # token (2), count, page
