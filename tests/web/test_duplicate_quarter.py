"""A second digitisation report for the same unit and quarter is refused with a link to the one that exists."""
import pytest
from django.urls import reverse

from documents.models import DigitizationReport
from tests.factories import DigitizationReportFactory

pytestmark = pytest.mark.django_db


def post(client, url, unit, **values):
    data = {"unit": unit.pk, "year": 2025, "quarter": 2, "procedures_total": 10, "procedures_digital": 9}
    return client.post(url, {**data, **values})


def test_a_duplicate_quarter_is_refused_with_a_link_to_the_existing_report(hn_client, tree):
    existing = DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=2, procedures_total=5,
                                         procedures_digital=5)
    response = post(hn_client, reverse("documents:digitization_create"), tree["00070"])
    assert response.status_code == 200 and DigitizationReport.objects.count() == 1
    html = response.content.decode()
    assert "form-errors" in html and 'id="existing-report"' in html
    link = html[html.index('id="existing-report"'):]
    link = link[:link.index("</p>")]
    assert f'href="{reverse("documents:digitization_detail", args=[existing.pk])}"' in link
    assert tree["00070"].name in link and "Quý II" in link and "2025" in link


def test_another_quarter_or_unit_or_another_error_has_no_such_link(hn_client, tree):
    DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=2)
    response = post(hn_client, reverse("documents:digitization_create"), tree["00004"], procedures_digital=11)
    assert response.status_code == 200 and 'id="existing-report"' not in response.content.decode()
    response = post(hn_client, reverse("documents:digitization_create"), tree["00070"], quarter=1)
    assert response.status_code == 302


def test_editing_a_report_onto_a_taken_quarter_links_to_the_other_one_not_itself(hn_client, tree):
    taken = DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=2)
    mine = DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=1)
    response = post(hn_client, reverse("documents:digitization_update", args=[mine.pk]), tree["00070"])
    html = response.content.decode()
    assert f'href="{reverse("documents:digitization_detail", args=[taken.pk])}">' in html
    # an edit that keeps its own quarter but breaks another rule does not point at itself
    response = post(hn_client, reverse("documents:digitization_update", args=[mine.pk]), tree["00070"], quarter=1,
                    procedures_digital=11)
    assert response.status_code == 200 and 'id="existing-report"' not in response.content.decode()
