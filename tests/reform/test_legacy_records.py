"""Records of legacy units (before 1 July 2025): dated up to the unit's end on every path (form, API, upload), with
an error naming the successors after it; and scoping that follows the lineage (an officer reaches the records of
the units their unit succeeds; a divided commune's are edited from its default successor and read from the others)."""
import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from reform.models import UnitSuccession
from tests.factories import DocumentFactory, UnitFactory, UserFactory, choose_language
from tests.imports.conftest import DOC_HEADER, csv_bytes, upload
from tests.imports.test_upload_other_registers import CONF_HEADER, DIG_HEADER

pytestmark = pytest.mark.django_db
END = datetime.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def legacy(tree):
    """L01 -> 01; L79 -> 79; L00013 Quán Thánh -> 00004; L00016 divided: 00070 (default), then 00004."""
    units = {
        "L01": UnitFactory(code="L01", name="Thành phố Hà Nội (cũ)", level="provincial", parent=tree["TW"], valid_until=END),
        "L79": UnitFactory(code="L79", name="Thành phố Hồ Chí Minh (cũ)", level="provincial", parent=tree["TW"],
                           valid_until=END),
    }
    units["L00013"] = UnitFactory(code="L00013", name="Phường Quán Thánh", parent=units["L01"], valid_until=END)
    units["L00016"] = UnitFactory(code="L00016", name="Phường Phúc Xá", parent=units["L01"], valid_until=END)
    for pred, successors in {"L01": ["01"], "L79": ["79"], "L00013": ["00004"], "L00016": ["00070", "00004"]}.items():
        for order, code in enumerate(successors):
            UnitSuccession.objects.create(predecessor=units[pred], successor=tree[code], order=order)
    return units


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _document(unit, issued_on, number="1/QĐ-UBND"):
    return {"unit": unit.pk, "number": number, "doc_type": "QĐ", "title": "Quyết định", "issued_on": issued_on,
            "is_digitized": True, "sent_electronically": True}


def test_the_api_takes_a_legacy_document_up_to_its_end_and_refuses_a_later_one_naming_the_successor(
        officer_hn, legacy):
    assert api(officer_hn).post("/api/v1/documents/", _document(legacy["L00013"], "2025-06-30"),
                                format="json").status_code == 201
    response = choose_language(api(officer_hn), "en").post(
        "/api/v1/documents/", _document(legacy["L00013"], "2025-07-01", "2/QĐ-UBND"), format="json")
    assert response.status_code == 400
    assert "00004 Phường Ba Đình" in response.json()["issued_on"][0], response.json()
    assert Document.objects.count() == 1


def test_a_divided_communes_error_names_every_successor_default_first(officer_hn, legacy):
    response = api(officer_hn).post("/api/v1/documents/", _document(legacy["L00016"], "2025-08-01"), format="json")
    message = response.json()["issued_on"][0]
    assert message.index("00070") < message.index("00004"), message


def test_the_error_is_in_vietnamese_by_default(officer_hn, legacy):
    with translation.override("en"):  # whatever the server's language and the client's Accept-Language
        response = api(officer_hn).post("/api/v1/documents/", _document(legacy["L01"], "2025-07-01"), format="json",
                                        HTTP_ACCEPT_LANGUAGE="en")
    assert "đơn vị kế thừa" in response.json()["issued_on"][0], response.json()


def test_the_api_refuses_a_legacy_conference_and_quarter_after_the_end(officer_hn, legacy):
    unit = legacy["L01"].pk
    conference = {"unit": unit, "title": "Hội nghị", "held_on": "2025-07-02", "duration_days": "0.5",
                  "format": "online", "category": "dissemination", "scope": "specialized"}
    response = api(officer_hn).post("/api/v1/conferences/", conference, format="json")
    assert response.status_code == 400 and "held_on" in response.json(), response.json()
    report = {"unit": unit, "year": 2025, "quarter": 3, "procedures_total": 10, "procedures_digital": 5}
    response = api(officer_hn).post("/api/v1/digitization-reports/", report, format="json")
    assert response.status_code == 400 and "quarter" in response.json(), response.json()
    response = api(officer_hn).post("/api/v1/digitization-reports/", {**report, "year": 2026, "quarter": 1},
                                    format="json")
    assert response.status_code == 400 and "year" in response.json(), response.json()
    assert not Conference.objects.exists() and not DigitizationReport.objects.exists()
    assert api(officer_hn).post("/api/v1/digitization-reports/", {**report, "quarter": 2},
                                format="json").status_code == 201


def test_the_web_form_refuses_a_later_date_beside_it_and_offers_legacy_units_after_current_ones(officer_hn, legacy):
    client = Client()
    client.force_login(officer_hn)
    response = client.post(reverse("documents:document_create"), {
        "unit": legacy["L00013"].pk, "number": "1/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
        "issued_on": "2025-07-01", "is_digitized": "on", "sent_electronically": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors.get("issued_on"), response.context["form"].errors
    assert not Document.objects.exists()
    codes = [unit.code for unit in response.context["form"].fields["unit"].queryset]
    assert codes == ["01", "00004", "00070", "01-VP", "L01", "L00013", "L00016"]


@pytest.mark.parametrize("force_orm", [False, True])
def test_uploads_refuse_legacy_rows_after_the_end_and_write_nothing(officer_hn, legacy, force_orm):
    rows = [["L00013", "1/QĐ-UBND", "QĐ", "Quyết định", "2025-06-30", "1", "1"],
            ["L00013", "2/QĐ-UBND", "QĐ", "Quyết định", "2025-07-01", "1", "1"]]
    batch = upload(officer_hn, csv_bytes(rows, DOC_HEADER), force_orm=force_orm)
    assert batch.status == "failed"
    assert [(e["line"], e["column"]) for e in batch.errors] == [(3, "issued_on")], batch.errors
    assert "00004" in batch.errors[0]["message"]
    conference = [["L01", "Hội nghị", "2025-07-01", "0,5", "online", "dissemination", "specialized", "0", "không",
                   "", "", "", ""]]
    batch = upload(officer_hn, csv_bytes(conference, CONF_HEADER), kind="conferences", force_orm=force_orm)
    assert batch.status == "failed" and batch.errors[0]["column"] == "held_on", batch.errors
    batch = upload(officer_hn, csv_bytes([["L01", "2025", "3", "10", "5"]], DIG_HEADER), kind="digitization-reports",
                   force_orm=force_orm)
    assert batch.status == "failed" and batch.errors[0]["column"] == "quarter", batch.errors
    assert not Document.objects.exists() and not Conference.objects.exists()
    batch = upload(officer_hn, csv_bytes(rows[:1], DOC_HEADER), force_orm=force_orm)
    assert batch.status == "succeeded", batch.errors
    assert Document.objects.get().unit == legacy["L00013"]


def test_an_upload_reads_the_legacy_units_once_not_per_row(officer_hn, legacy):
    def queries(n, start):
        rows = [["L00013", f"{i}/QĐ-UBND", "QĐ", "Quyết định", "2025-03-01", "1", "1"] for i in range(start, start + n)]
        with CaptureQueriesContext(connection) as captured:
            assert upload(officer_hn, csv_bytes(rows, DOC_HEADER)).status == "succeeded"
        return len(captured)

    assert queries(1, 1) == queries(40, 100)


def test_a_legacy_units_documents_keep_their_own_numbering(officer_hn, legacy, tree):
    DocumentFactory(unit=tree["00004"], number="123/QĐ-UBND", issued_on=datetime.date(2025, 3, 1))
    response = api(officer_hn).post("/api/v1/documents/", _document(legacy["L00013"], "2025-03-01", "123/QĐ-UBND"),
                                    format="json")
    assert response.status_code == 201, response.json()


def test_an_officer_of_01_reads_a_predecessor_communes_record_and_one_of_79_gets_404(
        officer_hn, officer_hcm, legacy):
    record = DocumentFactory(unit=legacy["L00013"])
    assert api(officer_hn).get(f"/api/v1/documents/{record.pk}/").status_code == 200
    assert record.pk in {row["id"] for row in api(officer_hn).get("/api/v1/documents/").json()["results"]}
    assert api(officer_hcm).get(f"/api/v1/documents/{record.pk}/").status_code == 404
    assert record.pk not in {row["id"] for row in api(officer_hcm).get("/api/v1/documents/").json()["results"]}
    web = Client()
    web.force_login(officer_hcm)
    assert web.get(reverse("documents:document_detail", args=[record.pk])).status_code == 404
    web.force_login(officer_hn)
    assert web.get(reverse("documents:document_detail", args=[record.pk])).status_code == 200


def test_a_commune_officer_reaches_its_predecessor_communes_only(legacy, tree):
    ba_dinh = UserFactory(username="officer-bd", role="entry", unit=tree["00004"])
    own = DocumentFactory(unit=legacy["L00013"])
    province = DocumentFactory(unit=legacy["L01"])
    assert api(ba_dinh).get(f"/api/v1/documents/{own.pk}/").status_code == 200
    assert api(ba_dinh).get(f"/api/v1/documents/{province.pk}/").status_code == 404
    response = api(ba_dinh).patch(f"/api/v1/documents/{own.pk}/", {"title": "Sửa"}, format="json")
    assert response.status_code == 200, response.content


def test_a_divided_communes_records_are_edited_by_the_default_successor_and_read_by_the_others(legacy, tree):
    hoan_kiem = UserFactory(username="officer-hk2", role="entry", unit=tree["00070"])  # default successor
    ba_dinh = UserFactory(username="officer-bd2", role="entry", unit=tree["00004"])
    record = DocumentFactory(unit=legacy["L00016"])
    assert api(ba_dinh).get(f"/api/v1/documents/{record.pk}/").status_code == 200
    assert api(ba_dinh).patch(f"/api/v1/documents/{record.pk}/", {"title": "Sửa"}, format="json").status_code == 403
    assert api(ba_dinh).post("/api/v1/documents/", _document(legacy["L00016"], "2025-03-01", "9/QĐ-UBND"),
                             format="json").status_code == 400
    assert api(hoan_kiem).patch(f"/api/v1/documents/{record.pk}/", {"title": "Sửa"}, format="json").status_code == 200
    record.refresh_from_db()
    assert record.title == "Sửa" and record.history.first().history_user == hoan_kiem


def test_on_the_real_units_01_reads_quan_thanhs_record_79_gets_404_and_july_is_refused(db):
    from django.core.management import call_command

    from reform.models import Unit

    call_command("load_units", verbosity=0)
    hanoi = UserFactory(username="real-01", role="entry", unit=Unit.objects.get(code="01"))
    saigon = UserFactory(username="real-79", role="entry", unit=Unit.objects.get(code="79"))
    quan_thanh = Unit.objects.get(code="L00013")
    record = DocumentFactory(unit=quan_thanh)
    assert api(hanoi).get(f"/api/v1/documents/{record.pk}/").status_code == 200
    assert api(saigon).get(f"/api/v1/documents/{record.pk}/").status_code == 404
    response = api(hanoi).post("/api/v1/documents/", _document(quan_thanh, "2025-07-01", "5/QĐ-UBND"), format="json")
    assert response.status_code == 400 and "00004" in response.json()["issued_on"][0], response.json()


def test_the_export_picker_offers_current_units_only(officer_hn, reviewer, legacy):
    from reports.forms import ExportForm

    assert "L00013" not in {u.code for u in ExportForm(user=officer_hn).fields["unit"].queryset}
    assert "L01" not in {u.code for u in ExportForm(user=reviewer).fields["unit"].queryset}
    assert "01" in {u.code for u in ExportForm(user=reviewer).fields["unit"].queryset}
