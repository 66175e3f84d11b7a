"""`manage.py demo_data` on PostgreSQL (COPY path), on a tiny subset: one province, a few communes, low volume."""
from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max
from django.utils import timezone

from documents.models import DigitizationReport, Document, DocumentType
from documents.symbols import normalize, parse_symbol
from meetings.models import Conference
from reform.models import Unit, UnitSuccession
from reform.services import record_create, record_delete
from tests.factories import UserFactory

TINY = {"provinces": ["46"], "max_communes": 8, "volume": 0.2, "no_compute": True}


def demo(**options) -> str:
    out = io.StringIO()
    call_command("demo_data", stdout=out, **(TINY | options))
    return out.getvalue()


def snapshot() -> list[tuple]:
    return sorted(Document.objects.values_list("unit__code", "number", "year", "doc_type", "issued_on", "needs_review"))


def conference_snapshot() -> list[tuple]:
    return sorted(Conference.objects.values_list("unit__code", "held_on", "title", "format", "duration_days", "scope"))


@pytest.mark.django_db
def test_demo_data_loads_units_first_and_covers_the_province_its_communes_and_agencies():
    assert not Unit.objects.exists()
    output = demo(seed=1)
    assert Unit.objects.current().filter(level="commune").count() == 3321  # load_units ran
    units_with_docs = set(Document.objects.values_list("unit__code", flat=True).distinct())
    communes = set(Unit.objects.filter(parent__code="46", level="commune").order_by("code").values_list("code", flat=True)[:8])
    agencies = set(Unit.objects.filter(parent__code="46", kind="agency").values_list("code", flat=True))
    # and the legacy units whose default successor is one of them (the old province, its districts, communes)
    legacy = set(UnitSuccession.objects.filter(order=0, successor__code__in={"46"} | communes)
                 .values_list("predecessor__code", flat=True))
    assert {"L46", "L474"} <= legacy and any(len(code) == 6 for code in legacy)
    assert units_with_docs == {"TW", "46"} | communes | agencies | legacy
    assert {"46-VPUB", "46-VPTU", "46-VPHDND", "46-MTTQ"} <= agencies
    assert set(Unit.objects.filter(kind="agency").values_list("block", flat=True)) == {"party", "state", "elected", "front"}
    assert Conference.objects.exists() and DigitizationReport.objects.exists()
    assert "documents" in output


@pytest.mark.django_db
def test_same_seed_gives_the_same_records_and_a_rerun_replaces_instead_of_duplicating():
    demo(seed=7)
    documents, conferences = snapshot(), conference_snapshot()
    reports = sorted(DigitizationReport.objects.values_list("unit__code", "year", "quarter", "procedures_total",
                                                            "procedures_digital"))
    assert len(documents) > 1000
    demo(seed=7)
    assert snapshot() == documents
    assert conference_snapshot() == conferences
    assert sorted(DigitizationReport.objects.values_list("unit__code", "year", "quarter", "procedures_total",
                                                         "procedures_digital")) == reports
    demo(seed=8)
    assert snapshot() != documents
    assert Document.objects.count() < 1.2 * len(documents)  # replaced, not added


@pytest.mark.django_db
def test_generating_one_year_gives_the_same_records_as_generating_all_years():
    demo(seed=3)
    only_2025 = [row for row in snapshot() if row[2] == 2025]
    demo(seed=3, years=[2025])
    assert [row for row in snapshot() if row[2] == 2025] == only_2025


@pytest.mark.django_db
def test_demo_data_never_dates_a_record_in_the_future_and_writes_no_audit_rows():
    demo(seed=11)
    today = timezone.localdate()
    assert Document.objects.aggregate(last=Max("issued_on"))["last"] <= today
    assert Conference.objects.aggregate(last=Max("held_on"))["last"] <= today
    assert Document.objects.filter(year=today.year).exists()
    for year, quarter in DigitizationReport.objects.values_list("year", "quarter").distinct():
        ends = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
        assert ends < today
    assert Document.history.count() == Conference.history.count() == DigitizationReport.history.count() == 0


@pytest.mark.django_db
def test_demo_symbols_match_their_types_and_years_and_a_few_need_review():
    demo(seed=5)
    codes = list(DocumentType.objects.values_list("code", flat=True))
    rows = list(Document.objects.values_list("number", "doc_type", "issued_on", "year", "needs_review"))
    forms = defaultdict(int)
    for number, doc_type, issued_on, year, needs_review in rows:
        assert number == normalize(number)
        assert year == issued_on.year
        parsed = parse_symbol(number, codes)
        assert needs_review is (parsed is None), number
        if parsed is not None:
            assert parsed.implied_type == doc_type, number
            assert parsed.year in (None, year), number
            forms[parsed.form] += 1
            forms["with year"] += parsed.year is not None
    assert set(forms) == {"state", "party", "letter", "with year"}
    flagged = sum(row[4] for row in rows)
    assert 0 < flagged < 0.03 * len(rows)
    letters = Document.objects.filter(doc_type="CV").values_list("number", flat=True)
    assert any(re.fullmatch(r"\d+/UBND-[^\W\d_]+", n) for n in letters)
    duplicates = Document.objects.values("unit", "number", "year").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()


@pytest.mark.django_db
def test_some_units_cut_documents_by_15_percent_or_more_some_a_little_and_some_grow():
    demo(seed=226)
    # A legacy unit's records are its default successor's (as the engine counts them); districts only roll up.
    successor = dict(UnitSuccession.objects.filter(order=0).exclude(predecessor__level="district")
                     .values_list("predecessor__code", "successor__code"))
    counts = defaultdict(lambda: defaultdict(int))
    for unit, year, n in (Document.objects.filter(doc_type__counts_toward_reduction=True)
                          .exclude(unit__level="district")
                          .values_list("unit__code", "year").annotate(n=Count("id"))):
        counts[successor.get(unit, unit)][year] += n
    reductions = [(c[2024] - c[2025]) / c[2024] for c in counts.values() if c.get(2024) and c.get(2025)]
    assert any(r >= 0.15 for r in reductions)
    assert any(0 < r < 0.15 for r in reductions)
    assert any(r < 0 for r in reductions)


@pytest.mark.django_db
def test_2024_and_the_first_half_of_2025_are_under_legacy_units_and_july_on_under_current_ones():
    demo(seed=226, years=[2024, 2025, 2026])
    legacy = Document.objects.filter(unit__valid_until__isnull=False)
    assert legacy.filter(year=2024).exists() and legacy.filter(issued_on__gt="2025-06-30").count() == 0
    assert Conference.objects.filter(unit__valid_until__isnull=False, held_on__gt="2025-06-30").count() == 0
    assert not DigitizationReport.objects.filter(unit__valid_until__isnull=False, year=2025, quarter__gt=2).exists()
    formed = Document.objects.filter(unit__predecessions__isnull=False)  # current units formed from predecessors
    assert formed.exists() and not formed.filter(issued_on__lt="2025-07-01").exists()
    # A new commune's 2025 is about its 2026 pace: half from its predecessors, half its own.
    commune = Unit.objects.current().filter(parent__code="46", level="commune").order_by("code").first()
    before = Document.objects.filter(year=2025, unit__successions__successor=commune,
                                     unit__successions__order=0).distinct().count()
    own = Document.objects.filter(year=2025, unit=commune).count()
    assert before and own and 0.5 < before / own < 2


@pytest.mark.django_db
def test_demo_conferences_mix_formats_sessions_and_exceptions_with_references():
    demo(seed=226)
    assert set(Conference.objects.values_list("format", flat=True)) == {"online", "hybrid", "in_person"}
    assert Conference.objects.filter(is_regular_session=True).exists()
    assert Conference.objects.filter(scope="all_leaders").exists()
    refs = list(Conference.objects.filter(exception_approved=True).values_list("exception_ref", flat=True))
    assert refs and all(re.fullmatch(r"\d+-QĐ/(TU|HU|ĐU)", ref) for ref in refs)
    assert not Conference.objects.filter(exception_approved=False).exclude(exception_ref="").exists()
    assert Conference.objects.filter(duration_days__gt=1.5).exists()  # a few offenders
    assert Conference.objects.filter(budget_spent__gt=0).exists()


@pytest.mark.django_db
def test_records_entered_by_people_survive_a_rerun_and_are_not_duplicated():
    demo(seed=9)
    generated = Document.objects.filter(unit__code="46", year=2025, needs_review=False).order_by("id").first()
    admin = UserFactory(username="admin-demo", role="admin", is_staff=True, is_superuser=True)
    record_delete(instance=generated, user=admin)  # a person corrects a demo record: delete it, enter it again
    kept = record_create(model=Document, user=admin, data={
        "unit": generated.unit, "number": generated.number, "doc_type_id": generated.doc_type_id,
        "title": "Entered by a person", "issued_on": generated.issued_on})
    total = Document.objects.count()
    demo(seed=9)
    assert Document.objects.filter(pk=kept.pk, title="Entered by a person").exists()
    assert Document.objects.filter(unit=kept.unit, number=kept.number, year=kept.year).count() == 1
    assert Document.objects.count() == total


@pytest.mark.django_db
def test_records_an_upload_created_survive_a_rerun_though_they_have_no_history_row(settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services as imports

    settings.MEDIA_ROOT = str(tmp_path)
    demo(seed=9)
    generated = Document.objects.filter(unit__code="46", year=2025, needs_review=False).order_by("id").first()
    admin = UserFactory(username="admin-demo", role="admin", is_staff=True, is_superuser=True)
    record_delete(instance=generated, user=admin)
    data = ("unit_code,number,doc_type,title,issued_on\n"
            f"46,{generated.number},{generated.doc_type_id},Uploaded by a person,{generated.issued_on}\n").encode()
    batch = imports.import_create(user=admin, kind="documents", upload=SimpleUploadedFile("d.csv", data), language="en")
    imports.import_run(batch_id=batch.pk)
    uploaded = Document.objects.get(upload=batch.pk)
    assert not uploaded.history.exists()
    total = Document.objects.count()
    demo(seed=9)
    assert Document.objects.filter(pk=uploaded.pk, title="Uploaded by a person").exists()
    assert Document.objects.filter(unit=uploaded.unit, number=uploaded.number, year=uploaded.year).count() == 1
    assert Document.objects.count() == total


@pytest.mark.django_db
def test_demo_data_refuses_a_year_that_has_not_started():
    with pytest.raises(CommandError, match="future"):
        demo(years=[timezone.localdate().year + 1])
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_demo_data_refuses_an_unknown_province():
    with pytest.raises(CommandError, match="99"):
        demo(provinces=["99"])


def test_national_scale_fills_every_unit_in_the_database_and_adds_the_agencies(tree):
    """`--scale national` is every unit there is (here the small test tree), not the three demo provinces."""
    out = io.StringIO()
    call_command("demo_data", scale="national", years=[2025], volume=0.3, no_compute=True, stdout=out)
    agencies = set(Unit.objects.filter(kind="agency").exclude(code="01-VP").values_list("code", flat=True))
    assert agencies and {code.split("-")[0] for code in agencies} == {"01", "79"}  # the national agency provinces here
    with_documents = set(Document.objects.filter(year=2025).values_list("unit__code", flat=True).distinct())
    assert with_documents == set(Unit.objects.values_list("code", flat=True))  # "79" and its communes included
    assert Conference.objects.filter(unit__code__in=["26734", "26740"]).exists()


@pytest.mark.django_db
def test_hand_written_numbers_never_collide_between_the_main_and_the_legal_series():
    """`NQ36-HĐND` came out of both series of a People's Council once and stopped the national demo's COPY."""
    import dataclasses

    from demo import generators as generator
    from tests.factories import UnitFactory

    unit = UnitFactory(code="L42", name="Tỉnh Hà Tĩnh", level="provincial")
    profile = dataclasses.replace(generator.profile_for(unit, 226, 1.0), garbage_rate=0.5, doc_base=4000,
                                  issuers=(("elected", "HĐND", 1.0),))
    symbols = generator._SymbolCheck(list(DocumentType.objects.values_list("code", flat=True)))
    rows = generator.documents_for(unit, profile, 2024, generator._calendar(2024, datetime.date(2025, 1, 1)),
                                   seed=226, symbols=symbols, titles=generator._titles(2024),
                                   created=timezone.now())
    keys = [row[-1] for row in rows]
    assert len(keys) > 1000 and len(set(keys)) == len(keys)
