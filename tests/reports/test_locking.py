"""Approval locks the subtree's records for the period window on every write path; reopening unlocks them."""
from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from reform import services as records
from reports import locking, services
from tests.factories import PASSWORD, ConferenceFactory, DigitizationReportFactory, DocumentFactory

from .conftest import YEAR, day

# The approved report as the messages name it (Vietnamese, the default), never its code "YYYY-Q1".
Q1_NAME = f"Quý I {YEAR}"


def doc_data(unit, issued_on, number="7/QĐ-UBND"):
    return {"unit": unit, "number": number, "doc_type_id": "QĐ", "title": "Quyết định", "issued_on": issued_on,
            "is_digitized": True, "sent_electronically": True}


def assert_names_report(error: ValidationError, field: str) -> None:
    messages = error.message_dict[field]
    # names the approved report and the way out (in the active language: Vietnamese by default)
    assert any(Q1_NAME in m and "Thành phố Hà Nội" in m and ("reopen" in m or "mở lại" in m)
               for m in messages), messages


def api(user) -> APIClient:
    _, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_locking_report_covers_the_subtree_and_the_window_only(approved_q1, tree):
    assert locking.locking_report_for(unit=tree["00070"], on_date=day(2, 10)) == approved_q1
    assert locking.locking_report_for(unit=tree["01"], on_date=day(3, 31)) == approved_q1
    assert locking.locking_report_for(unit=tree["00070"], on_date=day(4, 1)) is None
    assert locking.locking_report_for(unit=tree["26734"], on_date=day(2, 10)) is None  # another province
    assert locking.locking_report_for(unit=tree["TW"], on_date=day(2, 10)) is None  # the unit above


def test_services_refuse_create_update_and_delete_in_an_approved_period(approved_q1, officer_hn, tree):
    with pytest.raises(ValidationError) as error:
        records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(2, 10)))
    assert_names_report(error.value, "issued_on")
    outside = records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(4, 10)))
    with pytest.raises(ValidationError) as error:  # moving a record into the locked window
        records.record_update(instance=outside, user=officer_hn, data={"issued_on": day(3, 1)})
    assert_names_report(error.value, "issued_on")
    with pytest.raises(ValidationError):
        records.record_create(model=Conference, user=officer_hn, data={
            "unit": tree["01"], "title": "Hội nghị", "held_on": day(1, 5), "duration_days": "0.5", "format": "online",
            "category": "dissemination", "scope": "specialized"})


def test_records_already_in_the_window_cannot_be_changed_moved_out_or_deleted(tree, officer_hn, reviewer, submitted_q1):
    inside = DocumentFactory(unit=tree["00004"], issued_on=day(2, 1))
    services.report_approve(user=reviewer, report=submitted_q1)
    for data in ({"title": "Sửa"}, {"issued_on": day(5, 1)}):
        with pytest.raises(ValidationError) as error:
            records.record_update(instance=Document.objects.get(pk=inside.pk), user=officer_hn, data=data)
        assert_names_report(error.value, "issued_on")
    with pytest.raises(ValidationError):
        records.record_delete(instance=inside, user=officer_hn)
    assert Document.objects.get(pk=inside.pk).title == inside.title


def test_digitization_reports_are_locked_by_their_quarter(approved_q1, officer_hn, tree):
    with pytest.raises(ValidationError) as error:
        records.record_create(model=DigitizationReport, user=officer_hn, data={
            "unit": tree["00070"], "year": YEAR, "quarter": 1, "procedures_total": 10, "procedures_digital": 9})
    assert_names_report(error.value, "quarter")
    records.record_create(model=DigitizationReport, user=officer_hn, data={
        "unit": tree["00070"], "year": YEAR, "quarter": 2, "procedures_total": 10, "procedures_digital": 9})


def test_direct_saves_and_deletes_are_refused_by_the_model_level_safety_net(tree, reviewer, submitted_q1):
    inside = DocumentFactory(unit=tree["00070"], issued_on=day(2, 1))
    conference = ConferenceFactory(unit=tree["00070"], held_on=day(3, 2))
    digitization = DigitizationReportFactory(unit=tree["00070"], year=YEAR, quarter=1)
    services.report_approve(user=reviewer, report=submitted_q1)
    with pytest.raises(ValidationError):
        DocumentFactory(unit=tree["00070"], issued_on=day(3, 3))  # a plain .save(), as the admin does
    inside.title = "Sửa trực tiếp"
    with pytest.raises(ValidationError):
        inside.save()
    inside.refresh_from_db()
    inside.issued_on = day(6, 1)  # moving it out is a change of the locked period too
    with pytest.raises(ValidationError):
        inside.save()
    for record in (inside, conference, digitization):
        # Model.delete() runs in an atomic block without a savepoint: give it one, as the admin's views do.
        with pytest.raises(ValidationError), transaction.atomic():
            record.delete()
    assert Document.objects.filter(pk=inside.pk).exists() and Conference.objects.filter(pk=conference.pk).exists()
    DocumentFactory(unit=tree["00070"], issued_on=day(4, 3))  # outside the window: fine
    DocumentFactory(unit=tree["26734"], issued_on=day(3, 3))  # another province: fine


def test_reopening_unlocks_every_path(approved_q1, administrator, officer_hn, tree):
    services.report_reopen(user=administrator, report=approved_q1, reason="Bổ sung văn bản quý I")
    created = records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(2, 10)))
    records.record_update(instance=created, user=officer_hn, data={"title": "Đã sửa"})
    DocumentFactory(unit=tree["00070"], issued_on=day(3, 3))
    records.record_delete(instance=created, user=officer_hn)


def test_api_answers_400_naming_the_report_for_post_patch_and_delete(tree, officer_hn, reviewer, submitted_q1):
    inside = DocumentFactory(unit=tree["00070"], issued_on=day(2, 1))
    outside = DocumentFactory(unit=tree["00070"], issued_on=day(5, 1))
    services.report_approve(user=reviewer, report=submitted_q1)
    client = api(officer_hn)
    payload = {"unit": tree["00070"].pk, "number": "99/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
               "issued_on": day(2, 15).isoformat(), "is_digitized": True, "sent_electronically": True}
    response = client.post("/api/v1/documents/", payload, format="json")
    assert response.status_code == 400, response.content
    assert Q1_NAME in response.json()["issued_on"][0] and "Thành phố Hà Nội" in response.json()["issued_on"][0]
    response = client.patch(f"/api/v1/documents/{inside.pk}/", {"title": "Sửa"}, format="json")
    assert response.status_code == 400 and Q1_NAME in str(response.json())
    response = client.patch(f"/api/v1/documents/{outside.pk}/", {"issued_on": day(3, 1).isoformat()}, format="json")
    assert response.status_code == 400 and Q1_NAME in str(response.json())
    response = client.delete(f"/api/v1/documents/{inside.pk}/")
    assert response.status_code == 400 and Q1_NAME in str(response.json())
    assert Document.objects.filter(pk=inside.pk).exists()
    # outside the window the API still writes
    payload["issued_on"] = day(4, 15).isoformat()
    assert client.post("/api/v1/documents/", payload, format="json").status_code == 201


def test_web_form_shows_the_lock_on_the_date_field(approved_q1, officer_hn, tree):
    client = Client()
    assert client.login(username=officer_hn.username, password=PASSWORD)
    response = client.post(reverse("documents:document_create"), {
        "unit": tree["00070"].pk, "number": "15/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định về cải cách",
        "issued_on": day(2, 2).isoformat(), "is_digitized": "on", "sent_electronically": "on",
    })
    assert response.status_code == 200
    assert Q1_NAME in response.content.decode() and "Thành phố Hà Nội" in response.content.decode()
    assert not Document.objects.exists()


def test_bulk_checks_find_every_locked_row_in_three_queries(approved_q1, tree, django_assert_max_num_queries):
    unit_ids = [tree["00070"].pk, tree["00070"].pk, tree["26734"].pk, tree["01"].pk]
    dates = [day(2, 1), day(4, 1), day(2, 1), locking.quarter_span(YEAR, 1)]
    with django_assert_max_num_queries(3):  # the units' paths, the legacy ones' successors, the approved reports
        locked = locking.find_locked(unit_ids=unit_ids, dates=dates)
    assert [index for index, _report in locked] == [0, 3]
    with pytest.raises(ValidationError) as error:
        locking.assert_unlocked(unit_ids=unit_ids, dates=dates)
    assert len(error.value.messages) == 2 and Q1_NAME in error.value.messages[0]
    windows = locking.locked_windows_for([tree["00070"].path, tree["26740"].path])
    assert windows[tree["00070"].path][0][:2] == (day(1, 1), day(3, 31)) and windows[tree["26740"].path] == []


@override_settings(REPORTING_WINDOWS="decree09")
def test_decree09_q1_lock_covers_14_march_but_not_15_march(officer_hn, reviewer, tree):
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1")
    assert (report.window_start, report.window_end) == (datetime.date(YEAR - 1, 12, 15), day(3, 14))
    services.report_approve(user=reviewer, report=report)
    with pytest.raises(ValidationError):
        records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(3, 14)))
    with pytest.raises(ValidationError):  # mid-December of the year before belongs to Q1 under Decree 09
        records.record_create(model=Document, user=officer_hn,
                              data=doc_data(tree["00070"], datetime.date(YEAR - 1, 12, 20), number="8/QĐ-UBND"))
    records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(3, 15), number="9/QĐ-UBND"))


def test_admin_change_form_shows_the_lock_and_changes_nothing(approved_q1, administrator, tree):
    document = DocumentFactory(unit=tree["00070"], issued_on=day(4, 2), number="88/QĐ-UBND")
    title = document.title
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:documents_document_change", args=[document.pk])
    response = client.post(url, {
        "unit": tree["00070"].pk, "number": "88/QĐ-UBND", "doc_type": "QĐ", "title": "Moved into Q1",
        "issued_on": day(2, 2).isoformat(), "is_digitized": "on", "sent_electronically": "on",
    })
    assert response.status_code == 200  # the form again, with the lock's message, not a 500 or a redirect
    assert Q1_NAME in response.content.decode()
    document.refresh_from_db()
    assert (document.issued_on, document.title) == (day(4, 2), title)
    assert document.history.count() == 1  # only the creation


# --- the window approval locks is the year to date -------------------------------------------------------

def assert_names_q3(messages: list[str]) -> None:
    # by its name in the language of the request or the upload, never by its code "YYYY-Q3"
    assert any((f"Quý III {YEAR}" in m or f"Quarter 3 {YEAR}" in m) and "Thành phố Hà Nội" in m for m in messages), \
        messages


def test_approving_q3_locks_from_1_january_to_30_september(approved_q3, tree):
    assert (approved_q3.window_start, approved_q3.window_end) == (day(1, 1), day(9, 30))
    for date in (day(1, 1), day(5, 10), day(9, 30)):
        assert locking.locking_report_for(unit=tree["00070"], on_date=date) == approved_q3
    assert locking.locking_report_for(unit=tree["00070"], on_date=day(10, 1)) is None
    assert locking.locking_report_for(unit=tree["00070"], on_date=day(12, 31, YEAR - 1)) is None


def test_a_document_of_10_may_is_refused_through_the_service_after_q3_is_approved(approved_q3, officer_hn, tree):
    with pytest.raises(ValidationError) as error:
        records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(5, 10)))
    assert_names_q3(error.value.message_dict["issued_on"])
    with pytest.raises(ValidationError):  # the admin's and the scripts' plain .save()
        DocumentFactory(unit=tree["00070"], issued_on=day(5, 10))
    assert not Document.objects.exists()


def test_a_document_of_10_may_is_refused_through_the_api_naming_the_report(approved_q3, officer_hn, tree):
    payload = {"unit": tree["00070"].pk, "number": "99/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
               "issued_on": day(5, 10).isoformat(), "is_digitized": True, "sent_electronically": True}
    response = api(officer_hn).post("/api/v1/documents/", payload, format="json")
    assert response.status_code == 400, response.content
    assert_names_q3(response.json()["issued_on"])
    assert not Document.objects.exists()


def test_a_document_of_10_may_is_refused_through_the_web_form_on_its_date_field(approved_q3, officer_hn, tree):
    client = Client()
    assert client.login(username=officer_hn.username, password=PASSWORD)
    response = client.post(reverse("documents:document_create"), {
        "unit": tree["00070"].pk, "number": "15/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định về cải cách",
        "issued_on": day(5, 10).isoformat(), "is_digitized": "on", "sent_electronically": "on",
    })
    assert response.status_code == 200
    assert_names_q3(response.context["form"].errors["issued_on"])
    assert not Document.objects.exists()


def test_a_document_of_10_may_is_refused_in_a_csv_upload_naming_the_report(approved_q3, officer_hn, tree):
    from tests.imports.conftest import csv_bytes, upload

    rows = [["00070", "15/QĐ-UBND", "QĐ", "Quyết định", day(5, 10).isoformat(), "1", "1"],
            ["00070", "16/QĐ-UBND", "QĐ", "Quyết định", day(10, 2).isoformat(), "1", "1"]]
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and not Document.objects.exists()
    assert [(e["line"], e["column"]) for e in batch.errors] == [(2, "issued_on")]
    assert_names_q3([batch.errors[0]["message"]])


def test_a_document_of_10_may_of_a_unit_outside_the_subtree_is_accepted(approved_q3, officer_hcm, tree):
    created = records.record_create(model=Document, user=officer_hcm, data=doc_data(tree["26734"], day(5, 10)))
    assert Document.objects.get(pk=created.pk).issued_on == day(5, 10)


def test_digitisation_reports_of_every_quarter_up_to_q3_are_locked_by_q3(approved_q3, officer_hn, tree):
    for quarter in (1, 2, 3):
        with pytest.raises(ValidationError) as error:
            records.record_create(model=DigitizationReport, user=officer_hn, data={
                "unit": tree["00070"], "year": YEAR, "quarter": quarter, "procedures_total": 10,
                "procedures_digital": 9})
        assert_names_q3(error.value.message_dict["quarter"])
    records.record_create(model=DigitizationReport, user=officer_hn, data={
        "unit": tree["00070"], "year": YEAR, "quarter": 4, "procedures_total": 10, "procedures_digital": 9})


def test_reopening_q3_unlocks_10_may(approved_q3, administrator, officer_hn, tree):
    services.report_reopen(user=administrator, report=approved_q3, reason="Bổ sung văn bản tháng 5")
    created = records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(5, 10)))
    records.record_update(instance=created, user=officer_hn, data={"title": "Đã sửa"})


@override_settings(REPORTING_WINDOWS="decree09")
def test_decree09_q3_lock_runs_from_15_december_of_the_year_before_to_14_september(officer_hn, reviewer, tree):
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q3")
    assert (report.window_start, report.window_end) == (datetime.date(YEAR - 1, 12, 15), day(9, 14))
    services.report_approve(user=reviewer, report=report)
    for number, date in enumerate((datetime.date(YEAR - 1, 12, 15), day(5, 10), day(9, 14)), start=1):
        with pytest.raises(ValidationError) as error:
            records.record_create(model=Document, user=officer_hn,
                                  data=doc_data(tree["00070"], date, number=f"{number}/QĐ-UBND"))
        assert_names_q3(error.value.message_dict["issued_on"])
    records.record_create(model=Document, user=officer_hn, data=doc_data(tree["00070"], day(9, 15), number="8/QĐ-UBND"))
    records.record_create(model=Document, user=officer_hn,
                          data=doc_data(tree["00070"], datetime.date(YEAR - 1, 12, 14), number="9/QĐ-UBND"))
    # Decree 09's Q4 (15 September to 14 December) lies outside the window
    records.record_create(model=DigitizationReport, user=officer_hn, data={
        "unit": tree["00070"], "year": YEAR, "quarter": 4, "procedures_total": 10, "procedures_digital": 9})
    with pytest.raises(ValidationError):
        records.record_create(model=DigitizationReport, user=officer_hn, data={
            "unit": tree["00070"], "year": YEAR, "quarter": 3, "procedures_total": 10, "procedures_digital": 9})


def test_migration_widens_the_windows_of_reports_approved_before_to_the_year_to_date(approved_q3, approved_q1):
    import importlib

    from django.apps import apps

    from reports.models import PeriodReport

    migration = importlib.import_module("reports.migrations.0002_year_to_date_lock_windows")
    PeriodReport.objects.filter(pk=approved_q3.pk).update(window_start=day(7, 1))  # as stored before the change
    migration.widen_windows(apps, None)
    approved_q3.refresh_from_db()
    approved_q1.refresh_from_db()
    assert (approved_q3.window_start, approved_q3.window_end) == (day(1, 1), day(9, 30))
    assert (approved_q1.window_start, approved_q1.window_end) == (day(1, 1), day(3, 31))


def test_lock_reason_names_the_period_as_the_pages_do_and_the_approval_date(approved_q3):
    from django.utils import formats, timezone, translation

    decided = formats.date_format(timezone.localtime(approved_q3.decided_at).date(), "SHORT_DATE_FORMAT")
    with translation.override("vi"):
        assert locking.lock_reason(approved_q3) == f"Đã phê duyệt trong báo cáo Quý III {YEAR} ngày {decided}"
    with translation.override("en"):
        english_date = formats.date_format(timezone.localtime(approved_q3.decided_at).date(), "SHORT_DATE_FORMAT")
        assert locking.lock_reason(approved_q3) == f"Approved in report Quarter 3 {YEAR} on {english_date}"


# --- the legacy units of before 1 July 2025: their records count in their default successor's figures ---------------

@pytest.fixture
def legacy(tree):
    """L01 (the old Hà Nội) -> 01; L00016 divided: 00070 (default), then 00004; L26999: 26734 (default), then
    00004 (a commune that went mostly to the other province)."""
    from reform.models import UnitSuccession
    from tests.factories import UnitFactory

    end = datetime.date(2025, 6, 30)
    units = {"L01": UnitFactory(code="L01", name="Hà Nội (cũ)", level="provincial", parent=tree["TW"], valid_until=end)}
    units["L00016"] = UnitFactory(code="L00016", name="Phường Phúc Xá", parent=units["L01"], valid_until=end)
    units["L26999"] = UnitFactory(code="L26999", name="Phường Cũ", parent=units["L01"], valid_until=end)
    for legacy_code, successors in {"L01": ["01"], "L00016": ["00070", "00004"], "L26999": ["26734", "00004"]}.items():
        for order, code in enumerate(successors):
            UnitSuccession.objects.create(predecessor=units[legacy_code], successor=tree[code], order=order)
    return units


@pytest.fixture
def approved_2025_q1(officer_hn, reviewer, tree):
    """Hà Nội's first quarter of 2025, approved: the legacy units still existed until 30 June 2025."""
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=2025, period="Q1")
    return services.report_approve(user=reviewer, report=report)


def test_an_approval_of_the_default_successor_locks_the_legacy_units_records_on_every_path(
    approved_2025_q1, legacy, administrator, tree,
):
    """A record of a legacy unit counted in an approved report could still be changed: the locks followed the unit
    tree only, and a legacy unit is not under its successor."""
    from tests.imports.conftest import csv_bytes, upload

    feb, apr = datetime.date(2025, 2, 10), datetime.date(2025, 4, 10)
    assert locking.locking_report_for(unit=legacy["L00016"], on_date=feb) == approved_2025_q1
    assert locking.locking_report_for(unit=legacy["L01"], on_date=feb) == approved_2025_q1
    assert locking.locking_report_for(unit=legacy["L00016"], on_date=apr) is None  # outside the window
    # Its other successor (00004, also under 01) does not decide: the default one (26734, in 79) does.
    assert locking.locking_report_for(unit=legacy["L26999"], on_date=feb) is None
    with pytest.raises(ValidationError) as error:
        records.record_create(model=Document, user=administrator, data=doc_data(legacy["L00016"], feb))
    assert any("Quý I 2025" in m and "Thành phố Hà Nội" in m for m in error.value.message_dict["issued_on"])
    stored = DocumentFactory(unit=legacy["L00016"], issued_on=apr)
    with pytest.raises(ValidationError):  # moved into the window
        records.record_update(instance=stored, user=administrator, data={"issued_on": datetime.date(2025, 3, 1)})
    with pytest.raises(ValidationError):  # the model-level safety net (admin, scripts)
        Document(unit=legacy["L00016"], number="9/QĐ-UBND", doc_type_id="QĐ", title="Quyết định",
                 issued_on=datetime.date(2025, 2, 11)).save()
    inside = Document.objects.create(unit=legacy["L26999"], number="10/QĐ-UBND", doc_type_id="QĐ",
                                     title="Quyết định", issued_on=feb)  # not locked: saved
    assert locking.locks_for([inside]) == {}
    Document.objects.filter(pk=stored.pk).update(issued_on=feb)  # as if entered before the approval
    assert set(locking.locks_for([Document.objects.get(pk=stored.pk), inside])) == {stored.pk}
    # An upload (the SQL twin of the rule): the legacy commune's row is refused, naming the report.
    rows = [["L00016", "15/QĐ-UBND", "QĐ", "Quyết định", feb.isoformat(), "1", "1"],
            ["L26999", "16/QĐ-UBND", "QĐ", "Quyết định", feb.isoformat(), "1", "1"]]
    batch = upload(administrator, csv_bytes(rows))
    assert batch.status == "failed"
    assert [(e["line"], e["column"]) for e in batch.errors] == [(2, "issued_on")]
    assert not Document.objects.filter(number__in=["15/QĐ-UBND", "16/QĐ-UBND"]).exists()
