"""Conferences and digitisation reports upload the same way, keyed by their natural keys."""
from __future__ import annotations

from decimal import Decimal

from documents.models import DigitizationReport
from meetings.models import Conference
from tests.factories import ConferenceFactory

from .conftest import csv_bytes, upload

CONF_HEADER = ["unit_code", "title", "held_on", "duration_days", "format", "category", "scope", "is_regular_session",
               "exception_approved", "exception_ref", "budget_allocated", "budget_spent", "opening_speech_min"]
DIG_HEADER = ["unit_code", "year", "quarter", "procedures_total", "procedures_digital"]


def conf_rows(n=5):
    return [["01", f"Hội nghị {i}", f"2025-04-{i:02d}", "0,5", "online", "dissemination", "specialized", "0", "không",
             "", "10.000.000", "9000000", "10"] for i in range(1, n + 1)]


def test_conferences_load_then_update_by_unit_date_and_title(officer_hn, tree):
    ConferenceFactory(unit=tree["01"], title="Hội nghị 2", held_on="2025-04-02")
    first = upload(officer_hn, csv_bytes(conf_rows(), header=CONF_HEADER), kind="conferences")
    assert first.status == "succeeded", first.errors
    assert (first.created, first.updated, first.unchanged) == (4, 1, 0)
    conference = Conference.objects.get(title="Hội nghị 1")
    assert (conference.duration_days, conference.budget_allocated, conference.format) == (Decimal("0.5"), 10_000_000, "online")
    rows = conf_rows()
    rows[0][4] = "Trực tiếp"
    again = upload(officer_hn, csv_bytes(rows, header=CONF_HEADER), kind="conferences")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 4)
    assert Conference.objects.get(title="Hội nghị 1").format == "in_person"
    orm = upload(officer_hn, csv_bytes(rows, header=CONF_HEADER), kind="conferences", force_orm=True)
    assert (orm.created, orm.updated, orm.unchanged) == (0, 0, 5)


def test_conference_rules_are_the_models_rules(officer_hn):
    rows = conf_rows(3)
    rows[0][3] = "0"  # zero duration
    rows[1][8] = "có"  # exception approved without a reference
    rows[2][4] = "by pigeon"
    batch = upload(officer_hn, csv_bytes(rows, header=CONF_HEADER), kind="conferences")
    assert batch.status == "failed" and Conference.objects.count() == 0
    assert {(e["line"], e["column"]) for e in batch.errors} == {(2, "duration_days"), (3, "exception_ref"), (4, "format")}
    assert "standing-committee decision" in next(e["message"] for e in batch.errors if e["line"] == 3)


def test_digitisation_reports_load_idempotently_and_check_digital_not_above_total(officer_hn, tree):
    rows = [["01", "2025", "Q1", "100", "96"], ["00070", "2025", "2", "50", "50"]]
    first = upload(officer_hn, csv_bytes(rows, header=DIG_HEADER), kind="digitization-reports")
    assert (first.status, first.created) == ("succeeded", 2), first.errors
    rows[0][4] = "97"
    second = upload(officer_hn, csv_bytes(rows, header=DIG_HEADER), kind="digitization-reports")
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert DigitizationReport.objects.get(unit=tree["01"]).procedures_digital == 97
    bad = upload(officer_hn, csv_bytes([["01", "2025", "3", "10", "11"], ["01", "2025", "3", "10", "9"]], header=DIG_HEADER),
                 kind="digitization-reports")
    assert bad.status == "failed"
    assert [(e["line"], e["column"]) for e in bad.errors] == [(2, "procedures_digital"), (3, "quarter")]
    orm = upload(officer_hn, csv_bytes(rows, header=DIG_HEADER), kind="digitization-reports", force_orm=True)
    assert (orm.created, orm.updated, orm.unchanged) == (0, 0, 2)


def test_a_value_outside_the_choices_is_refused_naming_the_choices_in_the_uploaders_language(officer_hn, tree):
    """The refusal lists the choices as the officer writes them (their labels, which are accepted), never the
    codes all_leaders, specialized, internal; a label of either language is accepted whatever the uploader's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services

    rows = conf_rows(2)
    rows[0][6] = "toàn ngành"  # no such scope
    rows[1][6] = "Internal"  # the English label, in a Vietnamese upload
    batch = services.import_create(user=officer_hn, kind="conferences", language="vi",
                                   upload=SimpleUploadedFile("hoi-nghi.csv", csv_bytes(rows, header=CONF_HEADER)))
    services.import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    [error] = batch.errors
    assert (error["line"], error["column"]) == (2, "scope")
    assert error["message"] == ("“toàn ngành” không thuộc các giá trị: Toàn thể cán bộ chủ chốt (toàn tỉnh/toàn xã); "
                                "Chuyên đề; Nội bộ.")
    rows[0][6] = "Chuyên đề"
    english = upload(officer_hn, csv_bytes(rows, header=CONF_HEADER), kind="conferences")  # an English upload
    assert english.status == "succeeded", english.errors
    assert sorted(Conference.objects.values_list("scope", flat=True)) == ["internal", "specialized"]
