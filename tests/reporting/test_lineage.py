"""The engine across the 1 July 2025 reorganisation, on the real units of both packages: legacy units' records
count in their successors' figures, once, and results exist only for current units."""
from datetime import date

import pytest
from django.core.management import call_command

from reform.models import Unit
from reform.units import legacy_data
from reporting.models import ComplianceResult
from reporting.services import compliance_compute

from .helpers import docs, result, rollup, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.fixture
def units(db):
    call_command("load_units", verbosity=0)
    return lambda code: Unit.objects.get(code=code)


def test_hai_phongs_2026_baseline_is_hai_duongs_first_half_plus_hai_phongs_year(units):
    docs(units("L30"), 7, date(2025, 3, 1))  # Hải Dương, before the merger
    docs(units("L31"), 2, date(2025, 5, 1))  # the old Hải Phòng
    docs(units("31"), 5, date(2025, 9, 1))  # the new Hải Phòng
    docs(units("31"), 10, date(2026, 2, 1))
    compliance_compute(year=2026, unit=units("31"), as_of=date(2026, 12, 31))
    r = result(units("31"), "DOC_REDUCTION", year=2026)
    assert (r.numerator, r.baseline) == (10, 14)
    assert r.details["inputs"]["from_predecessors"] == {"numerator": 0, "denominator": 0, "baseline": 9}
    compliance_compute(year=2026, as_of=date(2026, 12, 31))  # the national compute gives the same
    assert result(units("31"), "DOC_REDUCTION", year=2026).baseline == 14


def test_a_divided_communes_records_go_to_its_default_successor(units):
    divided, successors = next((code, codes) for code, codes in legacy_data().successors.items()
                               if len(code) == 6 and len(codes) > 1)
    docs(units(divided), 4, date(2025, 2, 1))
    compliance_compute(year=2025, as_of=date(2025, 12, 31))
    assert result(units(successors[0]), "DOC_DIGITIZATION").denominator == 4
    assert result(units(successors[1]), "DOC_DIGITIZATION").denominator == 0
    assert result(units(successors[0]), "DOC_DIGITIZATION").details["inputs"]["from_predecessors"]["denominator"] == 4


def test_the_national_roll_up_counts_every_record_once_and_districts_only_in_their_province(units):
    commune_of_31 = Unit.objects.current().filter(parent__code="31").first()
    docs(units("L30"), 3, date(2025, 2, 1))  # a legacy province: the successor province's own figures
    docs(units("L288"), 5, date(2025, 2, 1))  # a legacy district: only Hải Phòng's subtree
    docs(units("L00013"), 2, date(2025, 2, 1))  # a legacy commune: Ba Đình's own figures
    docs(units("31"), 1, date(2025, 8, 1))
    docs(commune_of_31, 4, date(2025, 8, 1))
    compliance_compute(year=2025, as_of=date(2025, 12, 31))
    assert rollup(units("TW"), "DOC_DIGITIZATION").denominator == 3 + 5 + 2 + 1 + 4
    assert rollup(units("31"), "DOC_DIGITIZATION").denominator == 3 + 5 + 1 + 4
    assert result(units("31"), "DOC_DIGITIZATION").denominator == 3 + 1
    assert result(units("00004"), "DOC_DIGITIZATION").denominator == 2
    assert result(commune_of_31, "DOC_DIGITIZATION").denominator == 4
    # Results only for the units that exist at the window's end: the 3,356 current ones.
    assert ComplianceResult.objects.filter(year=2025).count() == 3356 * 12 * 5
    assert not ComplianceResult.objects.filter(unit__valid_until__isnull=False).exists()


def test_a_subtree_recompute_keeps_the_legacy_districts_in_the_roll_ups_above_it(units):
    """A record change recomputes the commune's subtree, and the province's and the nation's roll-ups are rebuilt
    from stored results: the legacy districts' records, in no unit's results, were dropped from them."""
    commune_of_31 = Unit.objects.current().filter(parent__code="31").first()
    docs(units("L288"), 5, date(2025, 2, 1))  # a legacy district of Hải Phòng
    docs(commune_of_31, 4, date(2025, 8, 1))
    compliance_compute(year=2025, as_of=date(2025, 12, 31))
    national = {code: rollup(units(code), "DOC_DIGITIZATION").denominator for code in ("TW", "31")}
    assert national == {"TW": 9, "31": 9}
    docs(commune_of_31, 1, date(2025, 9, 1))
    compliance_compute(year=2025, unit=commune_of_31, as_of=date(2025, 12, 31))
    assert rollup(units("31"), "DOC_DIGITIZATION").denominator == 10
    assert rollup(units("TW"), "DOC_DIGITIZATION").denominator == 10
    compliance_compute(year=2025, unit=units("31"), as_of=date(2025, 12, 31))  # the province's own subtree
    assert rollup(units("TW"), "DOC_DIGITIZATION").denominator == 10
    assert rollup(units("31"), "DOC_DIGITIZATION").denominator == 10


def test_a_recompute_of_a_divided_communes_other_successor_leaves_its_records_with_the_default_one(units):
    """A save in the non-default successor recomputed its subtree with the legacy commune's records counted in it
    as well (the lineage of a scope took the successions inside it only): counted twice until the nightly run."""
    divided, successors = next((code, codes) for code, codes in legacy_data().successors.items()
                               if len(code) == 6 and len(codes) > 1)
    docs(units(divided), 4, date(2025, 2, 1))
    compliance_compute(year=2025, as_of=date(2025, 12, 31))
    other = units(successors[1])
    compliance_compute(year=2025, unit=other, as_of=date(2025, 12, 31))
    assert result(other, "DOC_DIGITIZATION").denominator == 0
    assert result(units(successors[0]), "DOC_DIGITIZATION").denominator == 4
    compliance_compute(year=2025, unit=units(successors[0]), as_of=date(2025, 12, 31))
    assert result(units(successors[0]), "DOC_DIGITIZATION").denominator == 4


def _stored(year: int) -> tuple[set, set, set]:
    from reporting.models import ComplianceRollup, ComplianceSlice

    fields = ("unit_id", "period", "target_id", "status", "value", "numerator", "denominator", "baseline",
              "provisional", "window_end")
    results = {(*row[:-1], repr(sorted(row[-1].items()))) for row in
               ComplianceResult.objects.filter(year=year).values_list(*fields, "details")}
    rollups = set(ComplianceRollup.objects.filter(year=year).values_list(
        *fields, "n_met", "n_missed", "n_no_baseline", "n_no_data", "n_not_applicable", "n_units"))
    slices = set(ComplianceSlice.objects.filter(year=year).values_list(
        "unit_id", "period", "target_id", "level", "block", "n_met", "n_missed", "n_no_baseline", "n_no_data",
        "n_not_applicable", "numerator", "denominator", "baseline", "n_provisional", "window_end",
        "provisional_end"))
    assert slices
    return results, rollups, slices


def test_several_subtrees_in_one_pass_store_what_a_national_compute_stores(units):
    """The coalesced recompute's one pass over many subtrees (selectors.Subtrees), with the legacy units' records
    (a split commune, a legacy district, a legacy province), equals the national compute row for row: results,
    roll-ups and slices."""
    from reporting.selectors import Subtrees

    divided, successors = next((code, codes) for code, codes in legacy_data().successors.items()
                               if len(code) == 6 and len(codes) > 1)
    commune_of_31 = Unit.objects.current().filter(parent__code="31").order_by("code").first()
    docs(units(divided), 4, date(2025, 2, 1))
    docs(units("L288"), 5, date(2025, 2, 1))
    docs(units("L30"), 3, date(2025, 2, 1))
    docs(commune_of_31, 4, date(2025, 8, 1))
    as_of = date(2025, 12, 31)
    compliance_compute(year=2025, as_of=as_of)
    # New records in three communes of different provinces, then one pass over their subtrees.
    roots = [units(successors[1]), commune_of_31, units("00004")]
    for root in roots:
        docs(root, 2, date(2025, 10, 1))
    compliance_compute(year=2025, unit=Subtrees.of(roots), as_of=as_of)
    one_pass = _stored(2025)
    compliance_compute(year=2025, as_of=as_of)
    assert one_pass == _stored(2025)
    assert result(commune_of_31, "DOC_DIGITIZATION").denominator == 6
    assert result(units(successors[1]), "DOC_DIGITIZATION").denominator == 2


def test_subtrees_refuse_a_root_under_another(units):
    from reporting.selectors import Subtrees

    with pytest.raises(ValueError, match="under another"):
        Subtrees.of([units("01"), units("00004")])
