"""Every validation rule of SPEC section 4, scoping and the audit trail, through the record services.

Each refusal is checked to write nothing: no record and no audit-trail row.
"""
from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from reform.services import record_create, record_delete, record_update
from reform.signals import records_changed

MODELS = (Document, Conference, DigitizationReport)


def _counts() -> tuple[int, ...]:
    return tuple(n for model in MODELS for n in (model.objects.count(), model.history.count()))


@contextlib.contextmanager
def refused(error=ValidationError, field: str | None = None):
    """Expect the service to refuse (on `field`, when given) and to have written nothing."""
    before = _counts()
    with pytest.raises(error) as caught:
        yield caught
    if field is not None:
        assert field in caught.value.message_dict, caught.value
    assert _counts() == before


def document(unit, **overrides):
    data = {"unit": unit, "number": "123/QĐ-UBND", "doc_type_id": "QĐ", "title": "Quyết định phê duyệt kế hoạch",
            "issued_on": datetime.date(2025, 3, 10), "is_digitized": True, "sent_electronically": True}
    return data | overrides


def conference(unit, **overrides):
    data = {"unit": unit, "title": "Hội nghị quán triệt", "held_on": datetime.date(2025, 4, 2),
            "duration_days": Decimal("0.5"), "format": "online", "category": "dissemination", "scope": "specialized"}
    return data | overrides


def report(unit, **overrides):
    data = {"unit": unit, "year": 2025, "quarter": 1, "procedures_total": 100, "procedures_digital": 96}
    return data | overrides


# ---------------------------------------------------------------------------------------------- dates

def test_document_issued_in_the_future_is_refused(tree, officer_hn):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with refused(field="issued_on"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], issued_on=tomorrow))


def test_document_issued_today_is_accepted(tree, officer_hn):
    today = timezone.localdate()
    doc = record_create(model=Document, user=officer_hn,
                        data=document(tree["01"], issued_on=today, number=f"1/{today.year}/QĐ-UBND"))
    assert doc.year == today.year


def test_conference_held_in_the_future_is_refused(tree, officer_hn):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with refused(field="held_on"):
        record_create(model=Conference, user=officer_hn, data=conference(tree["01"], held_on=tomorrow))


def test_digitization_report_for_a_quarter_not_started_is_refused(tree, officer_hn):
    with refused(field="quarter"):
        record_create(model=DigitizationReport, user=officer_hn,
                      data=report(tree["01"], year=timezone.localdate().year + 1, quarter=1))


def test_digitization_report_for_a_started_quarter_is_accepted(tree, officer_hn):
    today = timezone.localdate()
    current = (today.month - 1) // 3 + 1
    created = record_create(model=DigitizationReport, user=officer_hn,
                            data=report(tree["01"], year=today.year, quarter=current))
    assert created.pk


def test_quarter_outside_1_to_4_is_refused(tree, officer_hn):
    with refused(field="quarter"):
        record_create(model=DigitizationReport, user=officer_hn, data=report(tree["01"], quarter=5))


# ---------------------------------------------------------------------------------------------- counts

@pytest.mark.parametrize("field", ["procedures_total", "procedures_digital"])
def test_negative_procedure_count_is_refused(tree, officer_hn, field):
    with refused(field=field):
        record_create(model=DigitizationReport, user=officer_hn, data=report(tree["01"], **{field: -1}))


@pytest.mark.parametrize("field", ["participants", "budget_allocated", "budget_spent", "opening_speech_min",
                                   "closing_speeches_min", "longest_presentation_min"])
def test_negative_conference_figure_is_refused(tree, officer_hn, field):
    with refused(field=field):
        record_create(model=Conference, user=officer_hn, data=conference(tree["01"], **{field: -5}))


def test_more_digital_than_total_procedures_is_refused(tree, officer_hn):
    with refused(field="procedures_digital"):
        record_create(model=DigitizationReport, user=officer_hn,
                      data=report(tree["01"], procedures_total=100, procedures_digital=101))


def test_all_procedures_digital_is_accepted(tree, officer_hn):
    created = record_create(model=DigitizationReport, user=officer_hn,
                            data=report(tree["01"], procedures_total=100, procedures_digital=100))
    assert created.procedures_digital == 100


def test_second_report_for_the_same_unit_and_quarter_is_refused(tree, officer_hn):
    record_create(model=DigitizationReport, user=officer_hn, data=report(tree["01"]))
    with refused():
        record_create(model=DigitizationReport, user=officer_hn, data=report(tree["01"], procedures_digital=90))


# ---------------------------------------------------------------------------------------------- conferences

@pytest.mark.parametrize("ref", ["", "   "])
def test_exception_without_a_decision_reference_is_refused(tree, officer_hn, ref):
    with refused(field="exception_ref"):
        record_create(model=Conference, user=officer_hn, data=conference(
            tree["01"], scope="all_leaders", exception_approved=True, exception_ref=ref))


def test_exception_with_a_decision_reference_is_accepted(tree, officer_hn):
    created = record_create(model=Conference, user=officer_hn, data=conference(
        tree["01"], scope="all_leaders", exception_approved=True, exception_ref=" 45-QĐ/TU "))
    assert created.exception_ref == "45-QĐ/TU"


@pytest.mark.parametrize("duration", [Decimal("0"), Decimal("-0.5")])
def test_conference_of_zero_or_negative_duration_is_refused(tree, officer_hn, duration):
    with refused(field="duration_days"):
        record_create(model=Conference, user=officer_hn, data=conference(tree["01"], duration_days=duration))


@pytest.mark.parametrize("field,value", [("format", "telepathy"), ("category", "party"), ("scope", "nation")])
def test_conference_choice_outside_the_list_is_refused(tree, officer_hn, field, value):
    with refused(field=field):
        record_create(model=Conference, user=officer_hn, data=conference(tree["01"], **{field: value}))


# ---------------------------------------------------------------------------------------------- documents

def test_duplicate_document_number_in_the_same_unit_and_year_is_refused(tree, officer_hn):
    record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    with refused(field="number"):
        record_create(model=Document, user=officer_hn,
                      data=document(tree["01"], issued_on=datetime.date(2025, 11, 2), title="Another"))


def test_duplicate_is_found_whatever_the_spacing_of_the_symbol(tree, officer_hn):
    record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    with refused(field="number"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], number=" 123 / QĐ - UBND"))


def test_same_number_in_another_year_is_allowed(tree, officer_hn):
    record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    again = record_create(model=Document, user=officer_hn, data=document(tree["01"], issued_on=datetime.date(2024, 3, 10)))
    assert again.year == 2024
    assert Document.objects.filter(unit=tree["01"], number="123/QĐ-UBND").count() == 2


def test_same_number_in_another_unit_is_allowed(tree, officer_hn):
    record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    assert record_create(model=Document, user=officer_hn, data=document(tree["00070"])).pk


def test_symbol_whose_type_contradicts_the_chosen_type_is_refused(tree, officer_hn):
    with refused(field="number"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], number="45-NQ/TU", doc_type_id="QĐ"))


def test_official_letter_symbol_with_another_type_is_refused(tree, officer_hn):
    with refused(field="number"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], number="123/UBND-VP", doc_type_id="QĐ"))


def test_official_letter_symbol_as_official_letter_is_accepted(tree, officer_hn):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"], number="123/UBND-VP", doc_type_id="CV"))
    assert not doc.needs_review


def test_symbol_year_other_than_the_issue_year_is_refused(tree, officer_hn):
    with refused(field="number"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], number="05/2024/QĐ-UBND"))


def test_symbol_with_the_issue_year_is_accepted(tree, officer_hn):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"], number="05/2025/QĐ-UBND"))
    assert (doc.year, doc.needs_review) == (2025, False)


def test_unparseable_symbol_is_kept_and_flagged_for_review(tree, officer_hn):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"], number="Số 12 QĐ UBND"))
    doc.refresh_from_db()
    assert doc.needs_review is True
    assert doc.number == "Số 12 QĐ UBND"


def test_parseable_symbol_is_not_flagged(tree, officer_hn):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    doc.refresh_from_db()
    assert doc.needs_review is False


def test_unknown_document_type_is_refused(tree, officer_hn):
    with refused(field="doc_type"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], number="Số 1", doc_type_id="XYZ"))


def test_empty_title_is_refused(tree, officer_hn):
    with refused(field="title"):
        record_create(model=Document, user=officer_hn, data=document(tree["01"], title=""))


# ---------------------------------------------------------------------------------------------- scoping

def test_entry_officer_cannot_create_for_a_unit_outside_their_subtree(tree, officer_hn):
    with refused(field="unit"):
        record_create(model=Document, user=officer_hn, data=document(tree["79"]))
    with refused(field="unit"):
        record_create(model=Conference, user=officer_hn, data=conference(tree["26734"]))
    with refused(field="unit"):
        record_create(model=DigitizationReport, user=officer_hn, data=report(tree["79"]))


def test_commune_officer_cannot_create_for_their_province(tree, officer_commune):
    with refused(field="unit"):
        record_create(model=Document, user=officer_commune, data=document(tree["01"]))


def test_entry_officer_can_create_for_units_below_their_own(tree, officer_hn):
    for code in ("00070", "01-VP"):
        assert record_create(model=Document, user=officer_hn, data=document(tree[code])).unit == tree[code]


def test_reviewer_cannot_create_records(tree, reviewer):
    for model, data in ((Document, document(tree["01"])), (Conference, conference(tree["01"])),
                        (DigitizationReport, report(tree["01"]))):
        with refused(PermissionDenied):
            record_create(model=model, user=reviewer, data=data)


def test_administrator_can_create_for_any_unit(tree, administrator):
    assert record_create(model=Document, user=administrator, data=document(tree["79"])).pk


def test_reviewer_cannot_change_or_delete_a_record(tree, officer_hn, reviewer):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    with refused(PermissionDenied):
        record_update(instance=doc, user=reviewer, data={"title": "Changed"})
    with refused(PermissionDenied):
        record_delete(instance=Document.objects.get(pk=doc.pk), user=reviewer)
    assert Document.objects.get(pk=doc.pk).title == "Quyết định phê duyệt kế hoạch"


def test_officer_of_another_province_cannot_change_or_delete_a_record(tree, officer_hn, officer_hcm):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    with refused(PermissionDenied):
        record_update(instance=doc, user=officer_hcm, data={"title": "Changed"})
    with refused(PermissionDenied):
        record_delete(instance=doc, user=officer_hcm)


def test_officer_cannot_move_a_record_out_of_their_subtree(tree, officer_hn):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    with refused(field="unit"):
        record_update(instance=doc, user=officer_hn, data={"unit": tree["79"]})
    assert Document.objects.get(pk=doc.pk).unit == tree["01"]


def test_update_that_breaks_a_rule_changes_nothing(tree, officer_hn):
    conf = record_create(model=Conference, user=officer_hn, data=conference(tree["01"]))
    with refused(field="duration_days"):
        record_update(instance=conf, user=officer_hn, data={"duration_days": Decimal("0")})
    assert Conference.objects.get(pk=conf.pk).duration_days == Decimal("0.5")


# ---------------------------------------------------------------------------------------------- audit trail

def test_create_update_delete_are_kept_in_the_audit_trail_with_who_and_what(tree, officer_hn):
    doc = record_create(model=Document, user=officer_hn, data=document(tree["01"]))
    record_update(instance=doc, user=officer_hn, data={"title": "Quyết định sửa đổi", "is_digitized": False})
    pk = doc.pk
    record_delete(instance=doc, user=officer_hn)

    rows = list(Document.history.filter(id=pk).order_by("history_date", "history_id"))
    assert [row.history_type for row in rows] == ["+", "~", "-"]
    assert {row.history_user for row in rows} == {officer_hn}
    assert all(row.history_date is not None for row in rows)
    created, updated, deleted = rows
    delta = updated.diff_against(created)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes == {"title": ("Quyết định phê duyệt kế hoạch", "Quyết định sửa đổi"), "is_digitized": (True, False)}
    assert deleted.title == "Quyết định sửa đổi"  # the last state, kept after the record is gone
    assert not Document.objects.filter(pk=pk).exists()


def test_conference_and_report_changes_are_audited_with_the_user(tree, officer_hn, administrator):
    conf = record_create(model=Conference, user=officer_hn, data=conference(tree["01"]))
    record_update(instance=conf, user=administrator, data={"format": "in_person"})
    rows = list(conf.history.order_by("history_date", "history_id"))
    assert [(row.history_type, row.history_user) for row in rows] == [("+", officer_hn), ("~", administrator)]
    assert [c.field for c in rows[1].diff_against(rows[0]).changes] == ["format"]

    rep = record_create(model=DigitizationReport, user=officer_hn, data=report(tree["01"]))
    record_update(instance=rep, user=officer_hn, data={"procedures_digital": 99})
    change = rep.history.order_by("history_id").last().diff_against(rep.history.order_by("history_id").first()).changes
    assert [(c.field, c.old, c.new) for c in change] == [("procedures_digital", 96, 99)]


def test_records_changed_is_sent_after_commit_with_unit_and_year(tree, officer_hn, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["model"], kwargs["unit_ids"], kwargs["years"]))

    records_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            record_create(model=Document, user=officer_hn, data=document(tree["00070"]))
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        records_changed.disconnect(receiver)
    assert (Document, {tree["00070"].pk}, {2025}) in received
