"""The slices (ComplianceSlice): each rolled-up locality's subtree per level and block, stored by the engine, which
the dashboards filtered by level or block read instead of grouping the year's results on every view."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from reform.models import Unit
from reporting import dashboards as d
from reporting.models import ComplianceResult, ComplianceRollup, ComplianceSlice
from reporting.services import compliance_compute
from tests.factories import PASSWORD, UnitFactory, UserFactory
from tests.reporting.factories_dash import provinces_with_results

from .helpers import confs, docs, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

AS_OF = date(2026, 12, 31)
VECTOR = ("n_met", "n_missed", "n_no_baseline", "n_no_data", "n_not_applicable", "numerator", "denominator",
          "baseline")
FILTERS = [("commune", ""), ("provincial", ""), ("", "party"), ("commune", "state"), ("commune", "party"),
           ("district", ""), ("central", "")]


@pytest.fixture
def computed(tree):
    """The small tree with records in 2025 and 2026, two units in the party block, a central agency under the root
    (in no province: the nation's slices count it from its results), both years computed."""
    tree["BNV"] = UnitFactory(code="BNV", name="Bộ Nội vụ", level="central", kind="agency", parent=tree["TW"])
    party = [tree["00004"], tree["01-VP"]]
    for unit in party:
        unit.block = "party"
        unit.save()
    for i, code in enumerate(["01", "79", "00070", "00004", "26734", "26740", "01-VP", "BNV"]):
        docs(tree[code], 3 + i, date(2025, 3, 1))
        docs(tree[code], 1 + 2 * i % 5, date(2026, 2, 1))
        docs(tree[code], i % 3, date(2026, 8, 1), doc_type="CV")
        confs(tree[code], 1 + i % 2, on=date(2026, 4, 2))
    compliance_compute(year=2025, as_of=AS_OF)
    compliance_compute(year=2026, as_of=date(2026, 9, 15))
    return tree


def _grouped_results(year: int, locality: Unit) -> dict[tuple, dict]:
    """The slices of `locality` as the test works them out from the stored results, in Python."""
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VECTOR, 0))
    rows = ComplianceResult.objects.filter(year=year, unit__path__startswith=locality.path).values(
        "period", "target_id", "status", "numerator", "denominator", "baseline", "threshold",
        level=F("unit__level"), block=F("unit__block"))
    for row in rows:
        sums = found[(row["period"], row["target_id"], row["level"], row["block"])]
        sums[f"n_{row['status']}"] += 1
        if row["status"] != "not_applicable" or row["threshold"] is None:
            for name in ("numerator", "denominator", "baseline"):
                sums[name] += row[name] or 0
    return dict(found)


def _stored_slices(year: int, locality: Unit) -> dict[tuple, dict]:
    return {(s["period"], s["target_id"], s["level"], s["block"]): {name: s[name] for name in VECTOR}
            for s in ComplianceSlice.objects.filter(year=year, unit=locality).values(
                "period", "target_id", "level", "block", *VECTOR)}


def test_the_engine_stores_the_slices_of_every_rolled_up_locality_as_its_results_add_up(computed):
    rolled_up = set(ComplianceRollup.objects.filter(year=2026).values_list("unit_id", flat=True))
    assert rolled_up == {computed[c].id for c in ("TW", "01", "79")}
    assert set(ComplianceSlice.objects.filter(year=2026).values_list("unit_id", flat=True)) == rolled_up
    for code in ("TW", "01", "79"):
        for year in (2025, 2026):
            expected = _grouped_results(year, computed[code])
            assert _stored_slices(year, computed[code]) == expected
    # Each locality's roll-up is the sum of its slices (no legacy district here).
    for rollup in ComplianceRollup.objects.filter(year=2026, period="Y"):
        slices = ComplianceSlice.objects.filter(year=2026, period="Y", unit_id=rollup.unit_id,
                                                target_id=rollup.target_id)
        for name in ("n_met", "n_missed", "n_no_baseline", "n_no_data", "n_not_applicable"):
            assert sum(getattr(s, name) for s in slices) == getattr(rollup, name), (rollup, name)
    central = _stored_slices(2026, computed["TW"])[("Y", "DOC_DIGITIZATION", "central", "state")]
    assert central["denominator"] == sum(ComplianceResult.objects.filter(
        year=2026, period="Y", target_id="DOC_DIGITIZATION", unit__level="central").values_list(
        "denominator", flat=True)) > 0
    party = ComplianceSlice.objects.get(year=2026, period="Y", unit=computed["01"], target_id="DOC_REDUCTION",
                                        level="commune", block="party")
    assert party.n_met + party.n_missed + party.n_no_baseline + party.n_no_data == 1  # 00004 alone
    assert party.provisional_end == date(2026, 9, 15) and party.n_provisional == 1


def test_a_subtree_pass_replaces_the_slices_of_its_province_and_the_nation_and_no_other(computed):
    before_79 = _stored_slices(2026, computed["79"])
    docs(computed["00070"], 40, date(2026, 3, 1))
    compliance_compute(year=2026, unit=computed["00070"], as_of=date(2026, 9, 15))
    for code in ("TW", "01"):
        assert _stored_slices(2026, computed[code]) == _grouped_results(2026, computed[code])
    commune = _stored_slices(2026, computed["01"])[("Y", "DOC_DIGITIZATION", "commune", "state")]
    assert commune["denominator"] == ComplianceResult.objects.get(
        year=2026, period="Y", unit=computed["00070"], target_id="DOC_DIGITIZATION").denominator
    assert _stored_slices(2026, computed["79"]) == before_79
    # A province's own pass (its subtree holds its roll-up) replaces its slices too.
    docs(computed["26734"], 9, date(2026, 3, 1))
    compliance_compute(year=2026, unit=computed["79"], as_of=date(2026, 9, 15))
    assert _stored_slices(2026, computed["79"]) == _grouped_results(2026, computed["79"])
    assert _stored_slices(2026, computed["TW"]) == _grouped_results(2026, computed["TW"])


def _readers(filters: d.DashboardFilters, root: Unit | None, localities: list[Unit]) -> tuple:
    counts, computed_at, standing = d.scope_status_counts(year=filters.year, period=filters.period,
                                                          filters=filters, root=root)
    figures = d.locality_figures(year=filters.year, period=filters.period, localities=localities,
                                 targets=d.target_list(), filters=filters)
    trend = d.scope_trend(period=filters.period, filters=filters, root=root, year=filters.year)
    return {k: dict(v) for k, v in counts.items()}, computed_at, standing, figures, trend


@pytest.mark.parametrize("period", ["Y", "Q2"])
def test_the_filtered_readers_give_from_the_slices_what_the_results_give(computed, period):
    provinces = [computed["01"], computed["79"]]
    from_slices, from_results = {}, {}
    cases = [(level, block, root) for level, block in FILTERS for root in (None, computed["01"])]
    for level, block, root in cases:
        filters = d.DashboardFilters(year=2026, period=period, level=level, block=block)
        from_slices[level, block, root] = _readers(filters, root, [root] if root else provinces)
    ComplianceSlice.objects.all().delete()  # the readers fall back to the results
    for level, block, root in cases:
        filters = d.DashboardFilters(year=2026, period=period, level=level, block=block)
        from_results[level, block, root] = _readers(filters, root, [root] if root else provinces)
    for case in cases:
        counts, computed_at, standing, figures, trend = from_slices[case]
        assert (counts, computed_at, standing, trend) == from_results[case][:3] + (from_results[case][4],), case
        assert set(figures) == set(from_results[case][3]), case
        for key, figure in figures.items():
            assert {k: v for k, v in figure.items() if k != "computed_at"} == {
                k: v for k, v in from_results[case][3][key].items() if k != "computed_at"}, (case, key)
    # Not vacuous: the communes' figures are there, and an empty level has none.
    assert from_slices["commune", "", None][3][("01", "DOC_DIGITIZATION")]["n_units"] == 2
    assert from_slices["district", "", None][3] == {}
    assert len(from_slices["commune", "", None][4]) >= 2


def test_the_filtered_overview_reads_the_slices(client, computed):
    """A slice changed by hand shows on the page filtered by level: the page reads the slices, not the results."""
    UserFactory(username="slices-reviewer", role="reviewer", unit=None)
    assert client.login(username="slices-reviewer", password=PASSWORD)
    url = "/dashboard/?year=2026&period=Y&level=commune"
    before = client.get(url).context

    def met(context):
        bars = next(c for c in context["charts"] if c.id == "status-shares")
        return next(r["n_met"] for r in bars.rows if r["target"] == "DOC_DIGITIZATION")

    ComplianceSlice.objects.filter(year=2026, period="Y", level="commune", target_id="DOC_DIGITIZATION",
                                   unit__code="TW", block="state").update(n_met=F("n_met") + 100)
    assert met(client.get(url).context) == met(before) + 100
    trend_before = d.scope_trend(period="Y", filters=d.DashboardFilters(year=2026, level="commune"), root=None,
                                 year=2026)
    ComplianceSlice.objects.filter(year=2026, period="Y", level="commune", target_id="DOC_REDUCTION",
                                   unit__code="TW", block="state").update(numerator=F("numerator") + 7)
    trend_after = d.scope_trend(period="Y", filters=d.DashboardFilters(year=2026, level="commune"), root=None,
                                year=2026)
    assert [r["documents"] for r in trend_after if r["year"] == 2026] == [
        r["documents"] + 7 for r in trend_before if r["year"] == 2026]


def _filtered_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/?year=2026&period=Y&level=commune&block=state")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_filtered_overview_runs_the_same_number_of_queries_for_3_and_30_provinces(client):
    UserFactory(username="slices-lone", role="reviewer", unit=None)
    assert client.login(username="slices-lone", password=PASSWORD)
    provinces_with_results(3)
    compliance_compute(year=2026, as_of=AS_OF)
    small = _filtered_queries(client)
    assert ComplianceSlice.objects.filter(year=2026, unit__level="provincial").values("unit").distinct().count() == 3
    ComplianceResult.objects.all().delete()
    provinces_with_results(30)  # get_or_create: provinces 01-03 are reused, 04-30 added
    compliance_compute(year=2026, as_of=AS_OF)
    assert ComplianceSlice.objects.filter(year=2026, unit__level="provincial").values("unit").distinct().count() == 30
    assert _filtered_queries(client) == small


def test_the_migration_fills_the_slices_of_the_years_already_computed(computed):
    """What migration 0014 writes for a database computed before it equals what the engine writes."""
    from importlib import import_module

    from django.apps import apps

    engine = {code: _stored_slices(2026, computed[code]) for code in ("TW", "01", "79")}
    ComplianceSlice.objects.all().delete()
    import_module("reporting.migrations.0014_compliance_slices").fill(apps, None)
    assert {code: _stored_slices(2026, computed[code]) for code in ("TW", "01", "79")} == engine
    assert ComplianceSlice.objects.filter(year=2025).count() > 0
