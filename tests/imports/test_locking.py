"""Uploads into a period whose report is approved are refused, row by row, naming the report."""
from __future__ import annotations

import datetime

import pytest

from documents.models import Document
from reports import locking
from reports import services as report_services

from .conftest import csv_bytes, doc_rows, upload


@pytest.fixture
def approved_q1_2025(officer_hn, reviewer, tree):
    report = report_services.report_submit(user=officer_hn, unit=tree["01"], year=2025, period="Q1")
    return report_services.report_approve(user=reviewer, report=report)


@pytest.mark.parametrize("force_orm", [False, True])
def test_rows_inside_an_approved_period_refuse_the_file(officer_hn, approved_q1_2025, force_orm):
    rows = doc_rows(3) + doc_rows(2, start=4, unit="00070")  # March 2025: Q1, locked for 01 and below
    rows.append(["01", "9/QĐ-UBND", "QĐ", "Quyết định", "2025-05-02", "1", "1"])  # Q2: open
    batch = upload(officer_hn, csv_bytes(rows), force_orm=force_orm)
    assert batch.status == "failed" and Document.objects.count() == 0
    assert [(e["line"], e["column"]) for e in batch.errors] == [(n, "issued_on") for n in range(2, 7)]
    assert "approved" in batch.errors[0]["message"]


def test_rows_outside_the_approved_period_load(officer_hn, approved_q1_2025):
    batch = upload(officer_hn, csv_bytes([["01", "9/QĐ-UBND", "QĐ", "Quyết định", "2025-05-02", "1", "1"]]))
    assert batch.status == "succeeded" and batch.created == 1


@pytest.mark.parametrize("force_orm", [False, True])
def test_digitisation_reports_of_a_locked_quarter_are_refused(officer_hn, approved_q1_2025, force_orm):
    header = ["unit_code", "year", "quarter", "procedures_total", "procedures_digital"]
    batch = upload(officer_hn, csv_bytes([["01", "2025", "1", "10", "9"], ["01", "2025", "2", "10", "9"]], header=header),
                   kind="digitization-reports", force_orm=force_orm)
    assert batch.status == "failed" and [(e["line"], e["column"]) for e in batch.errors] == [(2, "quarter")]


@pytest.mark.parametrize("force_orm", [False, True])
def test_conferences_held_in_a_locked_period_are_refused_on_their_date(officer_hn, approved_q1_2025, force_orm):
    header = ["unit_code", "title", "held_on", "duration_days", "format", "category", "scope"]
    rows = [["00070", "Hội nghị quý I", "2025-03-20", "0.5", "online", "dissemination", "specialized"],
            ["00070", "Hội nghị quý II", "2025-04-20", "0.5", "online", "dissemination", "specialized"]]
    batch = upload(officer_hn, csv_bytes(rows, header=header), kind="conferences", force_orm=force_orm)
    assert batch.status == "failed" and [(e["line"], e["column"]) for e in batch.errors] == [(2, "held_on")]


@pytest.mark.parametrize("force_orm", [False, True])
def test_a_row_locked_twice_names_the_report_the_guard_names_on_both_paths(
        officer_hn, officer_commune, reviewer, tree, force_orm):
    """Two approved windows starting the same day (the commune's and its province's): the SQL of the PostgreSQL
    loader and the Python of the ORM loader and of the guard name the same one, the unit highest up."""
    commune = report_services.report_submit(user=officer_commune, unit=tree["00070"], year=2025, period="Q1")
    report_services.report_approve(user=reviewer, report=commune)
    province = report_services.report_submit(user=officer_hn, unit=tree["01"], year=2025, period="Q1")
    province = report_services.report_approve(user=reviewer, report=province)
    named = locking.locking_report_for(unit=tree["00070"], on_date=datetime.date(2025, 3, 2))
    assert named == province and commune.window_start == province.window_start
    batch = upload(officer_hn, csv_bytes(doc_rows(3, unit="00070")), force_orm=force_orm)
    assert [e["message"] for e in batch.errors] == [locking.lock_message(province)] * 3
