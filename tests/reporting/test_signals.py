"""Integrity signals, computed with the compliance results: each kind planted and on a clean register (which raises
none), the peers' modified z-score against a hand-computed example, thresholds as data, and reviews that survive a
recompute while the evidence holds. Every test runs twice: on PostgreSQL's aggregate queries and on the portable path
(the SQLite demo's), and both paths find the same signals on the same data."""
from datetime import date, datetime, timezone as dt_timezone

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from documents.models import Document
from meetings.models import Conference
from reporting.choices import ReviewState, Severity, SignalKind
from reporting.models import Signal, SignalThreshold
from reporting.services import compliance_compute
from reporting.signals import (
    gap_verdict,
    missing_numbers,
    modified_z_scores,
    signal_clears,
    signal_evidence,
    signal_message,
    signal_review,
    signals_find,
)
from reports.models import PeriodReport, PeriodReportEvent
from tests.factories import ConferenceFactory, DigitizationReportFactory, UnitFactory, UserFactory
from tests.text import raw_codes

from .helpers import seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

AS_OF = date(2026, 3, 1)  # 2025 has ended, its Q4 report is overdue


@pytest.fixture(autouse=True, params=["sql", "portable"])
def signals_path(request, settings):
    """Each test on PostgreSQL's queries and on the portable path (forced here by the setting; SQLite always takes
    it)."""
    settings.SIGNALS_PORTABLE = request.param == "portable"
    return request.param


def numbered(unit, numbers, on=date(2025, 3, 10), series="QĐ-UBND", doc_type="QĐ", party=False):
    Document.objects.bulk_create([
        Document(unit=unit, number=f"{n}-{series}" if party else f"{n}/{series}", number_key=f"{n}/{series}".casefold(),
                 doc_type_id=doc_type, title="Văn bản", issued_on=on, year=on.year)
        for n in numbers
    ])


def entered(unit, when: datetime) -> None:
    """Back-date the creation of the unit's records (auto_now_add sets it to now)."""
    Document.objects.filter(unit=unit).update(created_at=when)


def compute(year=2025, unit=None):
    compliance_compute(year=year, unit=unit, as_of=AS_OF)


def signals(unit, kind):
    return list(Signal.objects.filter(unit=unit, kind=kind, year=2025))


def all_reports(unit, year=2025):
    for quarter in (1, 2, 3, 4):
        DigitizationReportFactory(unit=unit, year=year, quarter=quarter)


def created_on_their_date(unit):
    for model, field in ((Document, "issued_on"), (Conference, "held_on")):
        for pk, day in model.objects.filter(unit=unit).values_list("pk", field):
            model.objects.filter(pk=pk).update(created_at=datetime(day.year, day.month, day.day, 9, tzinfo=dt_timezone.utc))


# --- pure rules ---------------------------------------------------------------------------------------------------

def test_modified_z_score_matches_the_hand_computed_example():
    # falls 0.10 0.12 0.15 0.11 0.80: median 0.12; |x - median| = .02 0 .03 .01 .68, their median (MAD) .02;
    # M = 0.6745 (x - 0.12) / 0.02: 0.80 gives 0.6745 * 34 = 22.933, 0.10 gives -0.6745.
    scores = modified_z_scores([0.10, 0.12, 0.15, 0.11, 0.80])
    assert scores[4] == pytest.approx(22.933, abs=1e-3)
    assert scores[0] == pytest.approx(-0.6745, abs=1e-4)
    assert scores[1] == pytest.approx(0.0)


def test_modified_z_score_has_no_verdict_without_spread():
    assert modified_z_scores([0.2, 0.2, 0.2, 0.9]) == [None] * 4
    assert modified_z_scores([0.1, 0.9]) == [None, None]


def test_missing_numbers_and_gap_verdict():
    assert missing_numbers([1, 3, 5], 1, 6) == [2, 4, 6]
    p = {"min_missing": 3, "min_share": 0.10, "critical_share": 0.30}
    assert gap_verdict(registered=40, start=1, highest=79, unparsed=0, p=p) == (Severity.CRITICAL, 39, 79)
    assert gap_verdict(registered=95, start=1, highest=100, unparsed=0, p=p) is None  # 5 %: below the share
    assert gap_verdict(registered=6, start=1, highest=9, unparsed=1, p=p) is None  # 3 missing, 1 may be unparsed


# --- number_gaps ----------------------------------------------------------------------------------------------------

def test_numbers_skipped_in_a_series_raise_number_gaps(tree):
    unit = tree["00070"]
    numbered(unit, [n for n in range(1, 80) if n % 2 == 1 or n > 78])  # 40 of 1..79
    compute()
    [signal] = signals(unit, SignalKind.NUMBER_GAPS)
    assert signal.severity == Severity.CRITICAL
    assert signal.evidence["missing"] == 39 and signal.evidence["highest"] == 79 and signal.evidence["from"] == 1
    assert signal.evidence["missing_numbers"][:3] == [2, 4, 6]
    with translation.override("en"):
        assert signal_message(signal) == "39 of 79 numbers missing in series QĐ-UBND"
        assert signal_clears(signal).startswith("Numbers 2, 4, 6")


def test_a_complete_series_raises_none(tree):
    numbered(tree["00070"], range(1, 41))
    numbered(tree["00070"], range(1, 11), series="KL/ĐU", doc_type="KL", party=True)
    compute()
    assert signals(tree["00070"], SignalKind.NUMBER_GAPS) == []


def test_series_of_one_issuer_numbered_in_one_sequence_are_judged_together(tree):
    numbered(tree["00070"], range(1, 31, 2))  # decisions 1, 3, 5 ...
    numbered(tree["00070"], range(2, 31, 2), series="UBND-VP", doc_type="CV")  # letters 2, 4, 6 ...
    compute()
    assert signals(tree["00070"], SignalKind.NUMBER_GAPS) == []


def test_a_series_that_starts_after_1_january_is_judged_from_its_first_number(tree):
    numbered(tree["00070"], range(200, 241), on=date(2025, 7, 1))  # a unit formed on 1 July
    compute()
    assert signals(tree["00070"], SignalKind.NUMBER_GAPS) == []


def test_unparseable_symbols_are_counted_apart_not_guessed(tree):
    unit = tree["00070"]
    numbered(unit, [1, 2, 3, 4, 8, 9, 10])  # 5, 6, 7 missing
    Document.objects.create(unit=unit, number="5 QĐ UBND", doc_type_id="QĐ", title="t", issued_on=date(2025, 3, 10),
                            needs_review=True)
    compute()
    assert signals(unit, SignalKind.NUMBER_GAPS) == []  # 3 missing less 1 unparseable: under the minimum of 3


# --- sharp_drop -------------------------------------------------------------------------------------------------------

def test_a_fall_of_more_than_half_raises_sharp_drop(tree):
    numbered(tree["00070"], range(1, 101), on=date(2024, 5, 5))
    numbered(tree["00070"], range(1, 31), on=date(2025, 5, 5))
    compute()
    [signal] = signals(tree["00070"], SignalKind.SHARP_DROP)
    assert signal.key == "documents" and signal.evidence["fall"] == 0.7 and signal.evidence["beyond_bound"]
    with translation.override("en"):
        assert signal_message(signal).startswith("documents fell by 70%")


def test_a_fall_far_beyond_the_peers_is_critical(tree):
    communes = [tree["00070"], tree["00004"], tree["26734"], tree["26740"]]
    communes += [UnitFactory(code=f"C{i}", level="commune", parent=tree["79"]) for i in range(3)]
    for unit, now in zip(communes, (30, 85, 88, 86, 84, 87, 85)):
        numbered(unit, range(1, 101), on=date(2024, 5, 5))
        numbered(unit, range(1, now + 1), on=date(2025, 5, 5))
    compute()
    [signal] = signals(tree["00070"], SignalKind.SHARP_DROP)
    assert signal.severity == Severity.CRITICAL and signal.evidence["outlier"]
    assert signal.evidence["peers"]["count"] == 7
    assert Signal.objects.filter(kind=SignalKind.SHARP_DROP).count() == 1


def test_a_fall_the_target_asks_raises_no_sharp_drop(tree):
    numbered(tree["00070"], range(1, 101), on=date(2024, 5, 5))
    numbered(tree["00070"], range(1, 86), on=date(2025, 5, 5))
    compute()
    assert signals(tree["00070"], SignalKind.SHARP_DROP) == []


# --- type_shift ------------------------------------------------------------------------------------------------------

def test_relabelling_decisions_as_letters_raises_type_shift(tree):
    unit = tree["00070"]
    numbered(unit, range(1, 51), on=date(2024, 5, 5))
    numbered(unit, range(51, 101), on=date(2024, 5, 5), series="UBND-VP", doc_type="CV")
    numbered(unit, range(1, 21), on=date(2025, 5, 5))
    numbered(unit, range(21, 101), on=date(2025, 5, 5), series="UBND-VP", doc_type="CV")
    compute()
    [signal] = signals(unit, SignalKind.TYPE_SHIFT)
    assert signal.params["points"] == "30" and signal.evidence["moved"] == ["CV", "QĐ"]


def test_the_same_mix_raises_no_type_shift(tree):
    unit = tree["00070"]
    for year in (2024, 2025):
        numbered(unit, range(1, 51), on=date(year, 5, 5))
        numbered(unit, range(51, 101), on=date(year, 5, 5), series="UBND-VP", doc_type="CV")
    compute()
    assert signals(unit, SignalKind.TYPE_SHIFT) == []


# --- regular_session_shift and hybrid_shift --------------------------------------------------------------------------

def test_conferences_flagged_as_regular_sessions_raise_regular_session_shift(tree):
    unit = tree["00070"]
    ConferenceFactory.create_batch(9, unit=unit, held_on=date(2024, 4, 2))
    ConferenceFactory.create_batch(1, unit=unit, held_on=date(2024, 4, 2), is_regular_session=True)
    ConferenceFactory.create_batch(4, unit=unit, held_on=date(2025, 4, 2))
    ConferenceFactory.create_batch(6, unit=unit, held_on=date(2025, 4, 2), is_regular_session=True)
    compute()
    [signal] = signals(unit, SignalKind.REGULAR_SESSION_SHIFT)
    assert (signal.params["before"], signal.params["now"]) == ("10", "60")
    assert signals(unit, SignalKind.HYBRID_SHIFT) == []


def test_in_person_conferences_called_hybrid_raise_hybrid_shift(tree):
    unit = tree["00070"]
    ConferenceFactory.create_batch(9, unit=unit, held_on=date(2024, 4, 2), format="in_person")
    ConferenceFactory.create_batch(1, unit=unit, held_on=date(2024, 4, 2), format="hybrid")
    ConferenceFactory.create_batch(5, unit=unit, held_on=date(2025, 4, 2), format="in_person")
    ConferenceFactory.create_batch(5, unit=unit, held_on=date(2025, 4, 2), format="hybrid")
    compute()
    [signal] = signals(unit, SignalKind.HYBRID_SHIFT)
    assert signal.evidence["rise_points"] == 40.0


def test_the_same_conference_mix_raises_no_shift(tree):
    unit = tree["00070"]
    for year in (2024, 2025):
        ConferenceFactory.create_batch(7, unit=unit, held_on=date(year, 4, 2), format="in_person")
        ConferenceFactory.create_batch(2, unit=unit, held_on=date(year, 4, 2), format="hybrid")
        ConferenceFactory.create_batch(1, unit=unit, held_on=date(year, 4, 2), is_regular_session=True)
    compute()
    assert signals(unit, SignalKind.HYBRID_SHIFT) == signals(unit, SignalKind.REGULAR_SESSION_SHIFT) == []


# --- silent_unit and missing_report ---------------------------------------------------------------------------------

def _peers(tree, n=5):
    return [UnitFactory(code=f"P{i}", level="commune", parent=tree["01"]) for i in range(n)]


def test_a_unit_without_documents_among_peers_that_have_them_is_silent(tree):
    for peer in _peers(tree) + [tree["00004"], tree["26734"], tree["26740"]]:
        numbered(peer, range(1, 6), on=date(2025, 5, 5))
    compute()
    [signal] = signals(tree["00070"], SignalKind.SILENT_UNIT)
    assert signal.key == "documents" and signal.evidence["peers"]["count"] == 9


def test_a_unit_that_registers_like_its_peers_is_not_silent(tree):
    for peer in _peers(tree) + [tree["00070"], tree["00004"], tree["26734"], tree["26740"]]:
        numbered(peer, range(1, 6), on=date(2025, 5, 5))
    compute()
    assert not Signal.objects.filter(kind=SignalKind.SILENT_UNIT, key="documents").exists()


def test_an_ended_quarter_without_a_report_raises_missing_report(tree):
    for quarter in (1, 2, 3):
        DigitizationReportFactory(unit=tree["00070"], year=2025, quarter=quarter)
    compute()
    [signal] = signals(tree["00070"], SignalKind.MISSING_REPORT)
    assert signal.evidence["quarters"] == [4]


def test_every_quarter_reported_raises_no_missing_report(tree):
    all_reports(tree["00070"])
    compute()
    assert signals(tree["00070"], SignalKind.MISSING_REPORT) == []


# --- late_entry -------------------------------------------------------------------------------------------------------

def test_records_entered_months_after_their_date_raise_late_entry(tree):
    numbered(tree["00070"], range(1, 7), on=date(2025, 2, 1))
    entered(tree["00070"], datetime(2025, 6, 1, tzinfo=dt_timezone.utc))
    compute()
    [signal] = signals(tree["00070"], SignalKind.LATE_ENTRY)
    assert (signal.key, signal.severity, signal.evidence["late"]) == ("Q1", Severity.WARNING, 6)


def test_records_entered_after_the_report_was_approved_are_critical(tree):
    unit = tree["00070"]
    report = PeriodReport.objects.create(unit=tree["01"], year=2025, period="Q1", state="approved",
                                         window_start=date(2025, 1, 1), window_end=date(2025, 3, 31),
                                         deadline=date(2025, 4, 15))
    PeriodReportEvent.objects.create(report=report, action="approve", at=datetime(2025, 4, 10, tzinfo=dt_timezone.utc),
                                     from_state="submitted", to_state="approved")
    numbered(unit, [1], on=date(2025, 3, 20))
    entered(unit, datetime(2025, 5, 2, tzinfo=dt_timezone.utc))  # after a reopen
    compute()
    [signal] = signals(unit, SignalKind.LATE_ENTRY)
    assert signal.severity == Severity.CRITICAL and signal.evidence["after_approval"] == 1
    with translation.override("en"):
        assert signal_message(signal) == "1 records of Quarter 1/2025 entered after its report was approved"


def test_messages_and_evidence_are_written_as_the_readers_language_writes_numbers_and_quarters(tree):
    """Stored figures are language-neutral ("7.1", Q1/2025, late_start); people read "7,1 %", "Quý I/2025" and
    labels instead of the evidence's keys."""
    hybrid = Signal(unit=tree["00070"], year=2026, kind=SignalKind.HYBRID_SHIFT, params={"before": "7.1", "now": "37"},
                    evidence={"hybrid_before": 1, "countable_before": 14, "hybrid_now": 10, "countable_now": 27,
                              "rise_points": 29.9})
    missing = Signal(unit=tree["00070"], year=2025, kind=SignalKind.MISSING_REPORT,
                     params={"quarters": "Q1/2025, Q2/2025"}, evidence={"quarters": [1, 2]})
    gaps = Signal(unit=tree["00070"], year=2025, kind=SignalKind.NUMBER_GAPS,
                  params={"missing": 1204, "expected": 2410, "series": "UBND"},
                  evidence={"series": "UBND", "one_sequence": True, "from": 3, "missing_numbers": [4, 1200],
                            "start_reason": "late_start"})
    drop = Signal(unit=tree["00070"], year=2025, kind=SignalKind.SHARP_DROP,
                  params={"register": "conferences", "fall": "13.8", "before": 2680, "now": 2310},
                  evidence={"register": "conferences", "before": 2680, "now": 2310, "fall": 0.1381,
                            "beyond_bound": False})
    with translation.override("vi"):
        assert signal_message(hybrid) == "Hội nghị kết hợp tăng từ 7,1 % lên 37 % số hội nghị được tính"
        assert signal_evidence(hybrid).endswith("tăng (điểm phần trăm): 29,9")
        assert signal_message(missing) == "Chưa có báo cáo số hóa cho Quý I/2025, Quý II/2025"
        assert signal_clears(missing) == "Hãy nhập báo cáo số hóa của Quý I/2025, Quý II/2025."
        assert signal_message(gaps) == "1.204/2.410 số bị thiếu trong dãy số UBND"
        assert "số bị thiếu: 4, 1.200" in signal_evidence(gaps) and "Có" in signal_evidence(gaps)
        assert "dãy số bắt đầu sau tháng Một" in signal_evidence(gaps)
        assert signal_message(drop).startswith("hội nghị được tính giảm 13,8 % so với cùng kỳ năm trước (từ 2.680")
        assert "mức giảm: 13,8 %" in signal_evidence(drop)
        texts = [f(s) for s in (hybrid, missing, gaps, drop) for f in (signal_message, signal_evidence, signal_clears)]
        assert raw_codes("\n".join(texts)) == []
    with translation.override("en"):
        assert signal_message(hybrid) == "Hybrid conferences rose from 7.1% to 37% of the countable ones"
        assert signal_evidence(hybrid) == (
            "hybrid the year before: 1, countable the year before: 14, hybrid this year: 10, countable this year: 27, "
            "rise (percentage points): 29.9")
        assert signal_message(missing) == "No digitisation report for Quarter 1/2025, Quarter 2/2025"
        assert "missing numbers: 4, 1,200" in signal_evidence(gaps)


def test_records_entered_on_time_raise_no_late_entry(tree):
    numbered(tree["00070"], range(1, 11), on=date(2025, 2, 1))
    created_on_their_date(tree["00070"])
    compute()
    assert signals(tree["00070"], SignalKind.LATE_ENTRY) == []


# --- a clean register raises nothing -----------------------------------------------------------------------------------

def test_a_clean_register_raises_no_signal_at_all(tree):
    unit = tree["00070"]
    for year in (2024, 2025):
        numbered(unit, range(1, 41), on=date(year, 5, 5))
        ConferenceFactory.create_batch(8, unit=unit, held_on=date(year, 4, 2))
        ConferenceFactory.create_batch(2, unit=unit, held_on=date(year, 4, 2), format="in_person")
    created_on_their_date(unit)
    all_reports(unit)
    compute()
    assert list(Signal.objects.filter(unit=unit)) == []


# --- thresholds as data, scope, reviews ---------------------------------------------------------------------------------

def test_thresholds_are_seeded_data_and_a_change_applies_at_the_next_compute(tree):
    numbered(tree["00070"], [n for n in range(1, 21) if n not in (4, 9)])  # 2 of 20 missing (10 %)
    SignalThreshold.objects.update_or_create(kind="number_gaps", applies_from=2000,
                                             defaults={"parameters": {"min_missing": 3}})
    compute()
    assert signals(tree["00070"], SignalKind.NUMBER_GAPS) == []
    SignalThreshold.objects.create(kind="number_gaps", applies_from=2025, parameters={"min_missing": 2})
    compute()
    assert len(signals(tree["00070"], SignalKind.NUMBER_GAPS)) == 1


def test_a_threshold_with_an_unknown_or_bad_parameter_is_refused():
    with pytest.raises(ValidationError) as error:
        SignalThreshold(kind="number_gaps", applies_from=2026, parameters={"min_share": 2, "colour": 1}).full_clean()
    assert len(error.value.message_dict["parameters"]) == 2


def test_a_subtree_recompute_replaces_only_its_own_signals(tree):
    numbered(tree["00070"], [1, 5, 9, 13])
    numbered(tree["26734"], [1, 5, 9, 13])
    compute()
    Document.objects.filter(unit=tree["00070"]).delete()
    numbered(tree["00070"], range(1, 14))
    compute(unit=tree["01"])
    assert signals(tree["00070"], SignalKind.NUMBER_GAPS) == []
    assert len(signals(tree["26734"], SignalKind.NUMBER_GAPS)) == 1


def test_a_review_is_kept_while_the_evidence_holds_and_reopened_when_it_changes(tree):
    reviewer = UserFactory(username="rev", role="reviewer")
    numbered(tree["00070"], [1, 5, 9, 13, 17])
    compute()
    [signal] = signals(tree["00070"], SignalKind.NUMBER_GAPS)
    signal_review(signal=signal, user=reviewer, state=ReviewState.EXPLAINED, comment="Numbers voided by the office")
    compute()
    [kept] = signals(tree["00070"], SignalKind.NUMBER_GAPS)
    assert (kept.pk, kept.review_state, kept.review_comment) == (signal.pk, ReviewState.EXPLAINED,
                                                                 "Numbers voided by the office")
    numbered(tree["00070"], [2])
    compute()
    [changed] = signals(tree["00070"], SignalKind.NUMBER_GAPS)
    assert changed.pk == signal.pk and changed.review_state == ReviewState.OPEN
    states = list(changed.history.order_by("history_id").values_list("review_state", flat=True))
    assert states[-2:] == [ReviewState.EXPLAINED, ReviewState.OPEN]


def test_an_explanation_needs_a_comment_and_officers_cannot_review(tree):
    numbered(tree["00070"], [1, 5, 9, 13, 17])
    compute()
    [signal] = signals(tree["00070"], SignalKind.NUMBER_GAPS)
    with pytest.raises(ValidationError) as error:
        signal_review(signal=signal, user=UserFactory(username="rev2", role="reviewer"), state="explained")
    assert "review_comment" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        signal_review(signal=signal, user=UserFactory(username="off", role="entry", unit=tree["00070"]),
                      state="confirmed")
    signal.refresh_from_db()
    assert signal.review_state == ReviewState.OPEN


def test_vietnamese_message(tree):
    numbered(tree["00070"], [1, 5, 9, 13, 17])
    compute()
    [signal] = signals(tree["00070"], SignalKind.NUMBER_GAPS)
    with translation.override("vi"):
        assert "QĐ-UBND" in signal_message(signal) and "thiếu" in signal_message(signal)


def test_administrators_see_signal_thresholds_and_signals_in_the_admin(client, tree):
    admin = UserFactory(username="boss", role="admin", is_staff=True, is_superuser=True)
    SignalThreshold.objects.get_or_create(kind="number_gaps", applies_from=2000)
    numbered(tree["00070"], [1, 5, 9, 13, 17])
    compute()
    client.force_login(admin)
    assert client.get("/admin/reporting/signalthreshold/").status_code == 200
    assert client.get("/admin/reporting/signal/").status_code == 200
    threshold = SignalThreshold.objects.get(kind="number_gaps", applies_from=2000)
    response = client.post(f"/admin/reporting/signalthreshold/{threshold.pk}/change/",
                           {"kind": "number_gaps", "applies_from": 2000, "parameters": '{"min_share": 5}', "note": ""})
    assert response.status_code == 200 and "min_share" in response.content.decode()  # refused, shown on the form


# --- the two paths ------------------------------------------------------------------------------------------------------

def _found(**kwargs):
    return sorted(((f.unit_id, str(f.kind), f.key, str(f.severity), f.params, f.evidence)
                   for f in signals_find(year=2025, as_of=AS_OF, **kwargs)), key=lambda row: row[:3])


def test_both_paths_find_the_same_signals_on_the_same_data(tree):
    hk, bd, sg, td = tree["00070"], tree["00004"], tree["26734"], tree["26740"]
    # Series: gaps, a Party series, a legal series numbered with its year, a number too long to be one, a symbol that
    # needs review, a series that starts in August.
    numbered(hk, [n for n in range(1, 80) if n % 3])
    numbered(hk, range(1, 11), series="KL/ĐU", doc_type="KL", party=True)
    numbered(hk, [3, 9, 12], series="2025/NQ-HĐND", doc_type="NQ")
    numbered(hk, [1234567])
    Document.objects.create(unit=hk, number="5 QĐ UBND", doc_type_id="QĐ", title="t", issued_on=date(2025, 3, 10),
                            needs_review=True)
    numbered(bd, range(200, 260, 2), on=date(2025, 8, 1), series="QĐ-UBND")
    # Relabelling and a sharp drop.
    numbered(td, range(1, 51), on=date(2024, 5, 5))
    numbered(td, range(51, 101), on=date(2024, 5, 5), series="UBND-VP", doc_type="CV")
    numbered(td, range(1, 11), on=date(2025, 5, 5))
    numbered(td, range(11, 81), on=date(2025, 5, 5), series="UBND-VP", doc_type="CV")
    fell = UnitFactory(code="C1", level="commune", parent=tree["79"])
    numbered(fell, range(1, 101), on=date(2024, 5, 5))
    numbered(fell, range(1, 31), on=date(2025, 5, 5))
    created_on_their_date(fell)
    # Conferences: regular sessions and hybrid rising.
    ConferenceFactory.create_batch(9, unit=sg, held_on=date(2024, 4, 2), format="in_person")
    ConferenceFactory.create_batch(1, unit=sg, held_on=date(2024, 4, 2), is_regular_session=True)
    ConferenceFactory.create_batch(4, unit=sg, held_on=date(2025, 4, 2), format="hybrid")
    ConferenceFactory.create_batch(6, unit=sg, held_on=date(2025, 4, 2), is_regular_session=True)
    for unit in (hk, td, sg):
        created_on_their_date(unit)
    # Late entry on the boundary: issued 1 February, late after 4 March 00:00 UTC (30 days, the SQL's date + 31).
    numbered(sg, range(1, 11), on=date(2025, 2, 1), series="QĐ-UBND")
    documents = list(Document.objects.filter(unit=sg).values_list("pk", flat=True))
    Document.objects.filter(pk__in=documents[:5]).update(created_at=datetime(2025, 3, 4, tzinfo=dt_timezone.utc))
    Document.objects.filter(pk__in=documents[5:]).update(created_at=datetime(2025, 3, 4, 0, 0, 1,
                                                                             tzinfo=dt_timezone.utc))
    # Conferences held 2 April: entered 2 May 23:30 UTC is 30 days (3 May in Hanoi: the UTC date counts), 3 May is 31.
    late = ConferenceFactory.create_batch(10, unit=sg, held_on=date(2025, 4, 2), format="online")
    Conference.objects.filter(pk__in=[c.pk for c in late[:5]]).update(
        created_at=datetime(2025, 5, 2, 23, 30, tzinfo=dt_timezone.utc))
    Conference.objects.filter(pk__in=[c.pk for c in late[5:]]).update(
        created_at=datetime(2025, 5, 3, 0, 30, tzinfo=dt_timezone.utc))
    all_reports(hk)
    # Entered after the approval of a report of the province (through a reopen).
    report = PeriodReport.objects.create(unit=tree["01"], year=2025, period="Q3", state="approved",
                                         window_start=date(2025, 7, 1), window_end=date(2025, 9, 30),
                                         deadline=date(2025, 10, 15))
    PeriodReportEvent.objects.create(report=report, action="approve", at=datetime(2025, 10, 10, tzinfo=dt_timezone.utc),
                                     from_state="submitted", to_state="approved")
    Document.objects.filter(unit=bd).update(created_at=datetime(2025, 11, 2, tzinfo=dt_timezone.utc))
    compute()

    found = _found(portable=False)
    assert found == _found(portable=True)
    assert _found(unit=tree["01"], portable=False) == _found(unit=tree["01"], portable=True)
    assert {kind for _u, kind, *_rest in found} >= {
        SignalKind.NUMBER_GAPS, SignalKind.SHARP_DROP, SignalKind.TYPE_SHIFT, SignalKind.REGULAR_SESSION_SHIFT,
        SignalKind.HYBRID_SHIFT, SignalKind.LATE_ENTRY, SignalKind.MISSING_REPORT}
    late_sg = {key: evidence for unit, kind, key, _s, _p, evidence in found
               if unit == sg.pk and kind == SignalKind.LATE_ENTRY}
    assert (late_sg["Q1"]["late"], late_sg["Q2"]["late"]) == (5, 5)
    [after] = [row for row in found if row[0] == bd.pk and row[1] == SignalKind.LATE_ENTRY]
    assert after[3] == Severity.CRITICAL and after[5]["after_approval"] == 30
    gaps = {key for unit, kind, key, *_rest in found if unit == hk.pk and kind == SignalKind.NUMBER_GAPS}
    assert gaps == {"/qđ-ubnd", "/2025/nq-hđnd"}
