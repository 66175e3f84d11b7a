"""Scoping of every record page: another unit's record is a 404, never listed; reviewers cannot write."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory

REGISTERS = [
    ("documents:document", DocumentFactory),
    ("meetings:conference", ConferenceFactory),
    ("documents:digitization", DigitizationReportFactory),
]


@pytest.mark.parametrize(("prefix", "factory"), REGISTERS)
def test_officer_of_01_gets_404_for_a_79_record_on_detail_edit_and_delete(hn_client, tree, prefix, factory):
    record = factory(unit=tree["79"])
    for suffix in ("detail", "update", "delete"):
        url = reverse(f"{prefix}_{suffix}", args=[record.pk])
        assert hn_client.get(url).status_code == 404, url
        if suffix != "detail":
            assert hn_client.post(url, {}).status_code == 404, url
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(("prefix", "factory"), REGISTERS)
def test_officer_sees_own_subtree_records_and_never_another_province(hn_client, tree, prefix, factory):
    own = factory(unit=tree["00070"])
    other = factory(unit=tree["79"])
    listed = {r.pk for r in hn_client.get(reverse(f"{prefix}_list")).context["object_list"]}
    assert own.pk in listed and other.pk not in listed
    # not even by asking for it in the URL
    listed = {r.pk for r in hn_client.get(reverse(f"{prefix}_list"), {"unit_code": "79"}).context["object_list"]}
    assert listed == set()
    listed = {r.pk for r in hn_client.get(reverse(f"{prefix}_list"), {"subtree": "79"}).context["object_list"]}
    assert listed == set()
    assert hn_client.get(reverse(f"{prefix}_detail", args=[own.pk])).status_code == 200


def test_commune_officer_cannot_see_the_province_records(tree, officer_commune, client):
    from tests.factories import PASSWORD

    client.login(username=officer_commune.username, password=PASSWORD)
    province_doc = DocumentFactory(unit=tree["01"])
    assert client.get(reverse("documents:document_detail", args=[province_doc.pk])).status_code == 404


@pytest.mark.parametrize("name", ["documents:document_create", "meetings:conference_create", "documents:digitization_create"])
def test_create_form_unit_choices_exclude_other_provinces(hn_client, tree, name):
    form = hn_client.get(reverse(name)).context["form"]
    codes = set(form.fields["unit"].queryset.values_list("code", flat=True))
    assert codes == {"01", "00070", "00004", "01-VP"}


def test_forged_post_for_another_province_is_refused_and_writes_nothing(hn_client, tree):
    data = {"unit": tree["79"].pk, "number": "5/QĐ-UBND", "doc_type": "QĐ", "title": "Giả mạo", "issued_on": "2025-01-05"}
    response = hn_client.post(reverse("documents:document_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    data = {"unit": tree["26734"].pk, "title": "Giả mạo", "held_on": "2025-01-05", "duration_days": "1",
            "format": "online", "category": "professional", "scope": "internal"}
    assert hn_client.post(reverse("meetings:conference_create"), data).context["form"].errors["unit"]
    data = {"unit": tree["79"].pk, "year": 2025, "quarter": 1, "procedures_total": 1, "procedures_digital": 1}
    assert hn_client.post(reverse("documents:digitization_create"), data).context["form"].errors["unit"]
    assert Document.objects.count() == Conference.objects.count() == DigitizationReport.objects.count() == 0


def test_officer_cannot_move_a_record_to_another_province(hn_client, tree):
    document = DocumentFactory(unit=tree["01"], number="9/QĐ-UBND", issued_on=datetime.date(2025, 1, 9))
    data = {"unit": tree["79"].pk, "number": "9/QĐ-UBND", "doc_type": "QĐ", "title": "x", "issued_on": "2025-01-09"}
    response = hn_client.post(reverse("documents:document_update", args=[document.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    document.refresh_from_db()
    assert document.unit == tree["01"]


@pytest.mark.parametrize(("prefix", "factory"), REGISTERS)
def test_reviewer_reads_everything_but_gets_403_on_every_write_page(reviewer_client, tree, prefix, factory):
    record = factory(unit=tree["79"])
    assert reviewer_client.get(reverse(f"{prefix}_list")).status_code == 200
    assert reviewer_client.get(reverse(f"{prefix}_detail", args=[record.pk])).status_code == 200
    assert reviewer_client.get(reverse(f"{prefix}_create")).status_code == 403
    assert reviewer_client.post(reverse(f"{prefix}_create"), {"unit": tree["79"].pk}).status_code == 403
    for suffix in ("update", "delete"):
        url = reverse(f"{prefix}_{suffix}", args=[record.pk])
        assert reviewer_client.get(url).status_code == 403
        assert reviewer_client.post(url, {}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
    page = reviewer_client.get(reverse(f"{prefix}_detail", args=[record.pk])).content.decode()
    assert reverse(f"{prefix}_update", args=[record.pk]) not in page


@pytest.mark.parametrize(("prefix", "factory"), REGISTERS)
def test_list_pages_run_a_bounded_number_of_queries(hn_client, tree, prefix, factory):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert hn_client.get(reverse(f"{prefix}_list")).status_code == 200
        return len(captured)

    make = (lambda i, unit: factory(unit=unit, year=2020 + i // 4, quarter=i % 4 + 1)) if prefix.endswith("digitization") \
        else (lambda i, unit: factory(unit=unit))
    make(0, tree["01"])
    few = count_queries()
    for i in range(1, 20):
        make(i, tree["00070"] if i % 2 else tree["00004"])
    assert count_queries() == few
