"""The one scoping mechanism: every unit-owned model's manager is a UnitScopedQuerySet, which scopes results,
roll-ups and signals exactly as it scopes the records (lineage included); uploads are their uploader's."""
import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imports import services as import_services
from imports.models import ImportBatch
from reform.models import Unit, UnitSuccession
from reform.querysets import OwnedQuerySet, UnitScopedQuerySet, subtree_q
from reporting.models import ComplianceResult, ComplianceRollup, Signal
from tests.factories import UnitFactory, UserFactory
from tests.imports.conftest import csv_bytes, doc_rows

pytestmark = pytest.mark.django_db

# Models with a unit that are not scoped for people: the users themselves, and the engine's own bookkeeping (read
# in the admin by administrators only).
NOT_UNIT_OWNED = {"reform.user", "reform.unitsuccession", "reporting.recomputerequest", "reporting.signalrequest",
                  "reporting.computerun"}
PROJECT_APPS = {"reform", "documents", "meetings", "reporting", "reports", "imports"}


def test_every_model_that_belongs_to_a_unit_is_scoped_by_the_one_queryset():
    unscoped, checked = [], []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in PROJECT_APPS or label in NOT_UNIT_OWNED or hasattr(model, "instance_type"):
            continue  # (`instance_type`: simple-history's copies of a model's past versions)
        belongs = model is Unit or any(
            field.is_relation and field.many_to_one and field.related_model is Unit for field in model._meta.fields)
        if belongs:
            checked.append(label)
            if not isinstance(model._default_manager.all(), UnitScopedQuerySet):
                unscoped.append(label)
    assert unscoped == []
    assert {"reform.unit", "documents.document", "meetings.conference", "documents.digitizationreport",
            "reporting.complianceresult", "reporting.compliancerollup", "reporting.signal", "reports.periodreport",
            "reports.reportexport"} <= set(checked)


def test_uploads_are_scoped_by_their_uploader():
    assert isinstance(ImportBatch._default_manager.all(), OwnedQuerySet)


@pytest.fixture
def results(tree):
    now = timezone.now()
    legacy = UnitFactory(code="L00013", level="commune", parent=tree["TW"], valid_until=datetime.date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=legacy, successor=tree["00004"])
    units = [*tree.values(), legacy]
    for unit in units:
        ComplianceResult.objects.create(unit=unit, year=2025, period="Y", target_id="DOC_REDUCTION", status="met",
                                        computed_at=now)
        ComplianceRollup.objects.create(unit=unit, year=2025, period="Y", target_id="DOC_REDUCTION", status="met",
                                        computed_at=now)
        Signal.objects.create(unit=unit, year=2025, kind="number_gaps", key="k", severity="info", computed_at=now)
    return units


@pytest.mark.parametrize("model", [ComplianceResult, ComplianceRollup, Signal])
def test_results_rollups_and_signals_are_scoped_like_the_records(results, tree, officer_hn, officer_hcm, reviewer,
                                                                 administrator, model):
    def codes(queryset):
        return set(queryset.values_list("unit__code", flat=True))

    # The province's subtree and the legacy commune its commune 00004 succeeds.
    assert codes(model.objects.visible_to(officer_hn)) == {"01", "00070", "00004", "01-VP", "L00013"}
    assert codes(model.objects.visible_to(officer_hcm)) == {"79", "26734", "26740"}
    assert codes(model.objects.visible_to(reviewer)) == codes(model.objects.visible_to(administrator)) == {
        unit.code for unit in results}
    assert not model.objects.visible_to(AnonymousUser()).exists()
    assert codes(model.objects.editable_by(officer_hn)) == {"01", "00070", "00004", "01-VP", "L00013"}
    assert not model.objects.editable_by(reviewer).exists()
    assert codes(model.objects.in_subtree(tree["01"])) == {"01", "00070", "00004", "01-VP"}


def test_a_subtree_is_the_same_from_a_unit_a_row_of_values_or_a_path(tree):
    for unit in (tree["01"], {"path": tree["01"].path}, tree["01"].path):
        assert set(Unit.objects.filter(subtree_q(unit, via="")).values_list("code", flat=True)) == {
            "01", "00070", "00004", "01-VP"}
    # Paths end with "/": unit "0" does not take in 01's subtree.
    assert set(Unit.objects.in_subtree(UnitFactory(code="0", parent=tree["TW"]))
               .values_list("code", flat=True)) == {"0"}


def test_an_upload_is_seen_by_its_uploader_and_the_administrators_only(tree, officer_hn, reviewer, administrator,
                                                                        settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    batch = import_services.import_create(user=officer_hn, kind="documents",
                                          upload=SimpleUploadedFile("a.csv", csv_bytes(doc_rows(1))))
    colleague = UserFactory(username="officer-hn-2", role="entry", unit=tree["01"])
    assert list(ImportBatch.objects.visible_to(officer_hn)) == [batch]
    assert list(ImportBatch.objects.visible_to(administrator)) == [batch]
    for user in (colleague, reviewer, AnonymousUser()):
        assert not ImportBatch.objects.visible_to(user).exists()


def test_a_model_whose_unit_lies_further_away_is_scoped_through_its_path(tree, officer_hn, officer_hcm, reviewer):
    from reports import services as report_services
    from reports.models import PeriodReportEvent

    class EventQuerySet(UnitScopedQuerySet):
        unit_field = "report__unit"

    year = timezone.localdate().year - 1
    report_services.report_submit(user=officer_hn, unit=tree["01"], year=year, period="Q1")
    report_services.report_submit(user=officer_hcm, unit=tree["79"], year=year, period="Q1")
    events = EventQuerySet(model=PeriodReportEvent)
    assert set(events.visible_to(officer_hn).values_list("report__unit__code", flat=True)) == {"01"}
    assert set(events.in_subtree(tree["79"]).values_list("report__unit__code", flat=True)) == {"79"}
    assert events.visible_to(reviewer).count() == 2
    assert not events.editable_by(reviewer).exists()
