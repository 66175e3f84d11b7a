"""Policy changes reach the figures (thresholds, the hybrid switch, the document-type catalogue, through the real
admin), bad thresholds and parameters are refused, and a recompute that fails is seen, never silent."""
from __future__ import annotations

import datetime
import decimal
import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from documents.models import DocumentType
from reform.models import PolicySetting, Target, TargetThreshold
from reporting import services
from reporting.choices import MarkReason, RunState, RunTrigger
from reporting.models import ComplianceResult, ComputeRun, RecomputeRequest
from reporting.recompute import recompute_pending_run
from reporting.services import compliance_compute
from reporting.tasks import compliance_compute_task, recompute_pending

from .helpers import confs, docs, seeded  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

D = Decimal
YEARS = (2025, 2026)


def _queued_tasks(redis_client) -> list[str]:
    """The tasks waiting in both queues: the coalesced recompute's own ("compliance"), then the default one."""
    return [json.loads(raw)["headers"]["task"] for queue in ("compliance", "celery")
            for raw in redis_client.lrange(queue, 0, -1)]


@pytest.fixture
def admin_client(client, administrator):
    """An administrator's browser, in English (the tests read the English messages; one test reads Vietnamese)."""
    client.force_login(administrator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def computed(tree):
    """Records in every locality for 2024-2026 and stored results for 2025 and 2026 (the years a change can reach)."""
    for n, code in enumerate(("01", "79", "00070", "26734")):
        unit = tree[code]
        docs(unit, 100, datetime.date(2024, 3, 1))
        docs(unit, 82 + n, datetime.date(2025, 3, 1))  # 18 %, 17 %, ... cut
        docs(unit, 67, datetime.date(2026, 3, 1), doc_type="CV")
        confs(unit, 2, datetime.date(2025, 4, 2), format="hybrid")
        confs(unit, 2, datetime.date(2026, 4, 2), format="hybrid")
        confs(unit, 2, datetime.date(2026, 5, 2), format="online")
    for year in YEARS:
        compliance_compute(year=year)
    return tree


def _policy_marks() -> set[tuple[str, int]]:
    return set(RecomputeRequest.objects.filter(reason=MarkReason.POLICY).values_list("unit__code", "year"))


def _thresholds(target: str, year: int) -> set:
    return set(ComplianceResult.objects.filter(target_id=target, year=year).values_list("threshold", flat=True))


def _threshold_form(target: str, applies_from: int, threshold, parameters=None, note: str = "") -> dict:
    return {"target": target, "applies_from": applies_from, "threshold": threshold,
            "parameters": json.dumps({} if parameters is None else parameters), "note": note, "_save": "Save"}


# --- policy changes reach the figures -----------------------------------------------------------------------


def test_a_threshold_added_in_the_admin_marks_its_years_queues_one_run_and_every_unit_gets_the_new_threshold(
    admin_client, computed, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/reform/targetthreshold/add/",
                                     _threshold_form("DOC_REDUCTION", 2026, "0.20", note="Kết luận mới"))
    assert response.status_code == 302, response.content.decode()[:2000]
    # Only 2026 is governed by the new row (2025 keeps the 2025 row): one whole-year mark on the root.
    assert _policy_marks() == {("TW", 2026)}
    assert _queued_tasks(clean_queue) == ["reporting.tasks.recompute_pending"]
    assert _thresholds("DOC_REDUCTION", 2026) == {D("0.15")}  # stale until the run

    recompute_pending.apply()

    units = ComplianceResult.objects.filter(target_id="DOC_REDUCTION", year=2026, period="Y")
    assert units.count() == len(computed)  # every unit, not only one whose records changed
    assert _thresholds("DOC_REDUCTION", 2026) == {D("0.2")}
    assert _thresholds("DOC_REDUCTION", 2025) == {D("0.15")}
    assert not RecomputeRequest.objects.exists()
    run = ComputeRun.objects.get()
    assert (run.year, run.unit, run.trigger, run.state) == (2026, None, RunTrigger.POLICY, RunState.SUCCEEDED)


def test_a_threshold_changed_or_deleted_from_the_shell_marks_the_years_it_governs(
    computed, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    target = Target.objects.get(code="MEETING_REDUCTION")
    with django_capture_on_commit_callbacks(execute=True):
        row = TargetThreshold(target=target, applies_from=2026, threshold=D("0.12"))
        row.full_clean()
        row.save()
    assert _policy_marks() == {("TW", 2026)}
    RecomputeRequest.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        TargetThreshold.objects.filter(target=target, applies_from=2025).update(note="x")  # no signal, no change
        seeded_row = TargetThreshold.objects.get(target=target, applies_from=2025)
        seeded_row.note = "Đã rà soát"
        seeded_row.save()  # a note changes no figure
    assert _policy_marks() == set()
    with django_capture_on_commit_callbacks(execute=True):
        seeded_row.threshold = D("0.11")
        seeded_row.save()
    assert _policy_marks() == {("TW", 2025)}  # up to the next row (2026)
    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
    assert _policy_marks() == {("TW", 2025), ("TW", 2026)}
    recompute_pending_run()
    assert _thresholds("MEETING_REDUCTION", 2026) == {D("0.11")}


def test_switching_hybrid_conferences_to_in_person_in_the_admin_recomputes_every_stored_year_for_every_unit(
    admin_client, computed, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    before = set(ComplianceResult.objects.filter(target_id="MEETING_ONLINE_SHARE", period="Y", year=2026)
                 .exclude(numerator=0).values_list("unit__code", flat=True))
    assert before == set()  # hybrid counts as online: nothing in person
    setting = PolicySetting.objects.get(key=PolicySetting.HYBRID_COUNTS_AS_ONLINE)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/reform/policysetting/{setting.pk}/change/",
                                     {"key": setting.key, "description": setting.description, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _policy_marks() == {("TW", 2025), ("TW", 2026)}
    assert _queued_tasks(clean_queue) == ["reporting.tasks.recompute_pending"]

    recompute_pending.apply()

    share = {r.unit.code: (r.numerator, r.denominator, r.status) for r in ComplianceResult.objects.filter(
        target_id="MEETING_ONLINE_SHARE", period="Y", year=2026, unit__code__in=["01", "79", "00070", "26734"])}
    assert share == {code: (2, 4, "missed") for code in ("01", "79", "00070", "26734")}
    assert {r.numerator for r in ComplianceResult.objects.filter(
        target_id="MEETING_ONLINE_SHARE", period="Y", year=2025, unit__code__in=["01", "79"])} == {2}


def test_a_document_type_leaving_the_reduction_target_in_the_admin_recomputes_every_unit(
    admin_client, computed, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    assert {r.numerator for r in ComplianceResult.objects.filter(
        target_id="DOC_REDUCTION", period="Y", year=2025, unit__code__in=["01", "79"])} == {82, 83}
    kind = DocumentType.objects.get(code="QĐ")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/documents/documenttype/{kind.pk}/change/", {
            "code": kind.code, "name_vi": kind.name_vi, "name_en": kind.name_en, "order": kind.order,
            "_save": "Save"})  # counts_toward_reduction unticked
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _policy_marks() == {("TW", 2025), ("TW", 2026)}

    recompute_pending.apply()

    for code in ("01", "79", "00070", "26734"):
        r = ComplianceResult.objects.get(target_id="DOC_REDUCTION", period="Y", year=2025, unit__code=code)
        assert (r.status, r.numerator, r.baseline) == ("no_baseline", 0, 0)


def test_renaming_a_target_or_a_document_type_recomputes_nothing(
    computed, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        target = Target.objects.get(code="DOC_NETWORK")
        target.name_en = "Documents sent over the network"
        target.save()
        kind = DocumentType.objects.get(code="CV")
        kind.name_en = "Official letter (renamed)"
        kind.save()
    assert not RecomputeRequest.objects.exists()
    assert _queued_tasks(clean_queue) == []


# --- bad policy is refused -----------------------------------------------------------------------------------

BAD_THRESHOLDS = [
    ("DOC_REDUCTION", "15", "threshold"),  # 1,500 %
    ("DOC_REDUCTION", "0", "threshold"),
    ("PROCEDURES_DIGITAL", "-0.1", "threshold"),
    ("MEETING_ONLINE_SHARE", "1.01", "threshold"),
    ("PROVINCE_WIDE_CAP", "2.5", "threshold"),
    ("COMMUNE_WIDE_CAP", "-1", "threshold"),
]


@pytest.mark.parametrize(("target", "threshold", "field"), BAD_THRESHOLDS)
def test_a_threshold_that_does_not_fit_its_target_is_refused_in_the_admin_and_nothing_is_saved(
    admin_client, computed, target, threshold, field, django_capture_on_commit_callbacks,
):
    rows = TargetThreshold.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post("/admin/reform/targetthreshold/add/", _threshold_form(target, 2026, threshold))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert TargetThreshold.objects.count() == rows
    assert callbacks == [] and not RecomputeRequest.objects.exists()


BAD_PARAMETERS = [
    ("CONFERENCE_DURATION", {"max_days": {"dissemination": "zero"}}, "dissemination"),
    ("CONFERENCE_DURATION", {"max_days": {"dissemination": 0}}, "dissemination"),
    ("CONFERENCE_DURATION", {"max_days": {"plenary": 1}}, "plenary"),
    ("CONFERENCE_DURATION", {"max_days": [1, 2]}, "max_days"),
    ("SPEECH_LIMITS", {"opening_max_min": "ten"}, "opening_max_min"),
    ("SPEECH_LIMITS", {"closing_total_max_min": 12.5}, "closing_total_max_min"),
    ("SPEECH_LIMITS", {"presentation_max_min": -5}, "presentation_max_min"),
    ("SPEECH_LIMITS", {"opening_max_minutes": 10}, "opening_max_minutes"),
    ("DOC_REDUCTION", {"max_days": {"dissemination": 1}}, "max_days"),
    ("DOC_REDUCTION", [0.15], "object"),
]


@pytest.mark.parametrize(("target", "parameters", "named"), BAD_PARAMETERS)
def test_parameters_that_do_not_fit_the_target_schema_are_refused_in_the_admin(
    admin_client, computed, target, parameters, named,
):
    threshold = "1" if target in ("CONFERENCE_DURATION", "SPEECH_LIMITS") else "0.15"
    rows = TargetThreshold.objects.count()
    response = admin_client.post("/admin/reform/targetthreshold/add/",
                                 _threshold_form(target, 2026, threshold, parameters))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["parameters"]
    assert named in " ".join(errors)
    assert TargetThreshold.objects.count() == rows


def test_good_parameters_and_thresholds_pass_full_clean():
    duration = Target.objects.get(code="CONFERENCE_DURATION")
    TargetThreshold(target=duration, applies_from=2027, threshold=D("1"),
                    parameters={"max_days": {"dissemination": "0.5", "important": 2}}).full_clean()
    speech = Target.objects.get(code="SPEECH_LIMITS")
    TargetThreshold(target=speech, applies_from=2027, threshold=D("1"),
                    parameters={"opening_max_min": 10, "closing_total_max_min": "45"}).full_clean()
    TargetThreshold(target=Target.objects.get(code="PROVINCE_WIDE_CAP"), applies_from=2027, threshold=D("0")).full_clean()
    TargetThreshold(target=Target.objects.get(code="DOC_NETWORK"), applies_from=2027, threshold=D("1")).full_clean()


def test_a_bad_threshold_is_refused_with_a_vietnamese_message_in_vietnamese(admin_client, computed):
    admin_client.cookies["django_language"] = "vi"
    response = admin_client.post("/admin/reform/targetthreshold/add/", _threshold_form("DOC_REDUCTION", 2026, "15"),
                                 )
    message = " ".join(response.context["adminform"].form.errors["threshold"])
    assert "phân số" in message, message
    response = admin_client.post("/admin/reform/targetthreshold/add/", _threshold_form(
        "CONFERENCE_DURATION", 2026, "1", {"max_days": {"dissemination": "zero"}}))
    assert "số ngày" in " ".join(response.context["adminform"].form.errors["parameters"])


def test_a_target_whose_kind_no_longer_fits_its_thresholds_is_refused():
    target = Target.objects.get(code="DOC_REDUCTION")
    target.comparison = "count_lte"  # 0.15 conferences is no cap
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "comparison" in error.value.message_dict


# --- names without figures -------------------------------------------------------------------------------------


def test_no_seeded_target_name_holds_a_figure_in_either_language():
    targets = list(Target.objects.all())
    assert len(targets) == 12
    for target in targets:
        for name in (target.name_vi, target.name_en):
            assert not any(ch.isdigit() for ch in name), (target.code, name)


def test_the_seed_itself_gives_names_without_figures():
    seed = importlib.import_module("reform.migrations.0003_seed_targets")
    for row in seed.TARGETS:
        assert not any(ch.isdigit() for ch in row[6] + row[7]), row[0]


def test_the_rename_migration_replaces_the_old_seeded_names_but_keeps_an_administrators_own():
    migration = importlib.import_module("reform.migrations.0004_target_names_without_figures")
    old_vi, old_en = migration.NAMES["DOC_REDUCTION"][0]
    Target.objects.filter(code="DOC_REDUCTION").update(name_vi=old_vi, name_en=old_en)
    Target.objects.filter(code="DOC_NETWORK").update(name_en="Network sending (own wording)")
    migration.forwards(django_apps, None)
    renamed = Target.objects.get(code="DOC_REDUCTION")
    assert (renamed.name_vi, renamed.name_en) == ("Giảm số văn bản hành chính so với năm trước",
                                                  "Reduce administrative documents compared with the year before")
    assert renamed.history.filter(history_change_reason__startswith="Tên mục tiêu").exists()
    assert Target.objects.get(code="DOC_NETWORK").name_en == "Network sending (own wording)"


def test_a_target_name_with_a_figure_is_refused():
    target = Target.objects.get(code="DOC_REDUCTION")
    target.name_en = "Documents at least 15 % fewer"
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert set(error.value.message_dict) == {"name_en"}


def test_the_unit_page_shows_the_threshold_from_data_beside_a_name_without_figures(admin_client, computed):
    TargetThreshold.objects.create(target_id="DOC_REDUCTION", applies_from=2026, threshold=D("0.20"))
    compliance_compute(year=2026)
    body = admin_client.get("/dashboard/unit/01/?year=2026").content.decode()
    assert "Reduce administrative documents compared with the year before" in body
    assert "≥ 20.0 %" in body or "≥ 20 %" in body


# --- failures are seen -----------------------------------------------------------------------------------------


@pytest.fixture
def broken_engine(monkeypatch):
    """Fault injection: the engine raises what a bad parameter used to make it raise."""

    def boom(**kwargs):
        raise decimal.InvalidOperation([decimal.ConversionSyntax])

    monkeypatch.setattr(services, "_compute", boom)
    return monkeypatch


def test_a_failing_compute_is_recorded_and_shown_on_the_dashboards_and_the_admin_until_a_later_run_succeeds(
    admin_client, computed, broken_engine,
):
    result = compliance_compute_task.apply(kwargs={"year": 2026})
    assert result.state == "FAILURE"
    run = ComputeRun.objects.get(year=2026, state=RunState.FAILED)
    assert (run.trigger, run.unit, run.task_id) == (RunTrigger.API, None, result.id)
    assert run.error.startswith("InvalidOperation") and run.finished_at is not None

    for url in ("/dashboard/?year=2026", "/dashboard/province/01/?year=2026", "/dashboard/unit/00070/?year=2026"):
        body = admin_client.get(url).content.decode()
        assert "The last recompute of 2026 failed at" in body, url
        assert "InvalidOperation" in body and "The figures shown are from" in body
    assert "The last recompute of" not in admin_client.get("/dashboard/?year=2025").content.decode()
    index = admin_client.get("/admin/").content.decode()
    assert "The last recompute of 2026 failed at" in index
    listing = admin_client.get("/admin/reporting/computerun/?state=failed").content.decode()
    assert "InvalidOperation" in listing

    compliance_compute_task.apply(kwargs={"year": 2026, "unit_id": computed["01"].pk})  # still broken
    broken_engine.undo()
    compliance_compute_task.apply(kwargs={"year": 2026, "unit_id": computed["01"].pk})  # covers only Hà Nội
    assert "failed at" in admin_client.get("/dashboard/?year=2026").content.decode()
    compliance_compute_task.apply(kwargs={"year": 2026})
    assert "failed at" not in admin_client.get("/dashboard/?year=2026").content.decode()
    assert "failed at" not in admin_client.get("/admin/").content.decode()


def test_a_failing_policy_recompute_keeps_its_marks_and_records_the_failure(
    computed, broken_engine, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        TargetThreshold.objects.create(target_id="DOC_REDUCTION", applies_from=2026, threshold=D("0.20"))
    summary = recompute_pending_run()  # the failure is recorded on its marks, never raised over the others
    assert [(f["year"], f["dropped"]) for f in summary["failed"]] == [(2026, 0)]
    assert "InvalidOperation" in summary["failed"][0]["error"]
    assert _policy_marks() == {("TW", 2026)}  # left for the retry or the sweep
    assert ComputeRun.objects.get().trigger == RunTrigger.POLICY


def test_the_waiting_banner_shows_while_a_policy_mark_is_pending_and_goes_after_the_run(
    admin_client, computed, not_eager, clean_queue, django_capture_on_commit_callbacks,
):
    page = admin_client.get("/dashboard/?year=2026").content.decode()
    assert "computed" in page and "is waiting to be applied" not in page
    with django_capture_on_commit_callbacks(execute=True):
        setting = PolicySetting.objects.get(key=PolicySetting.HYBRID_COUNTS_AS_ONLINE)
        setting.value = False
        setting.save()
    page = admin_client.get("/dashboard/unit/01/?year=2026").content.decode()
    assert "A policy change made on" in page and "is waiting to be applied to 2025, 2026" in page
    assert "is waiting to be applied" in admin_client.get("/admin/").content.decode()
    recompute_pending.apply()
    assert "is waiting to be applied" not in admin_client.get("/dashboard/unit/01/?year=2026").content.decode()


# --- recompute now -----------------------------------------------------------------------------------------------


def test_the_recompute_now_action_on_thresholds_runs_the_years_they_govern(admin_client, computed):
    row = TargetThreshold.objects.get(target_id="DOC_REDUCTION", applies_from=2025)
    response = admin_client.post("/admin/reform/targetthreshold/", {
        "action": "recompute_thresholds_now", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    assert "Recompute queued for 2025, 2026" in response.content.decode()
    runs = ComputeRun.objects.filter(trigger=RunTrigger.ADMIN)
    assert sorted(runs.values_list("year", "state")) == [(2025, "succeeded"), (2026, "succeeded")]
    assert all(run.task_id for run in runs)


def test_the_recompute_now_action_on_targets_runs_every_stored_year(admin_client, computed):
    response = admin_client.post("/admin/reform/target/", {
        "action": "recompute_targets_now", "_selected_action": ["DOC_REDUCTION"]}, follow=True)
    assert "Recompute queued for 2025, 2026" in response.content.decode()
    assert set(ComputeRun.objects.filter(trigger=RunTrigger.ADMIN).values_list("year", flat=True)) == set(YEARS)


def test_the_recompute_a_year_button_queues_the_compute_task(admin_client, computed, not_eager, clean_queue):
    listing = admin_client.get("/admin/reporting/computerun/").content.decode()
    assert "/admin/reporting/computerun/recompute/" in listing
    assert admin_client.get("/admin/reporting/computerun/recompute/?year=2026").status_code == 200
    response = admin_client.post("/admin/reporting/computerun/recompute/", {"year": "2026"})
    assert response.status_code == 302
    queued = [json.loads(raw) for raw in clean_queue.lrange("celery", 0, -1)]
    assert [q["headers"]["task"] for q in queued] == ["reporting.tasks.compliance_compute_task"]
    assert "'trigger': 'admin'" in queued[0]["headers"]["kwargsrepr"]


def test_the_recompute_a_year_button_refuses_a_bad_year(admin_client, computed):
    response = admin_client.post("/admin/reporting/computerun/recompute/", {"year": "1999"})
    assert response.status_code == 200 and response.context["form"].errors["year"]
    assert not ComputeRun.objects.exists()


def test_the_command_and_the_nightly_recompute_are_recorded(computed):
    call_command("compute_compliance", year=2025, quiet_progress=True)
    from reporting.tasks import compliance_nightly

    compliance_nightly.apply(kwargs={"year": 2026})
    assert set(ComputeRun.objects.values_list("year", "trigger", "state")) == {
        (2025, "command", "succeeded"), (2026, "nightly", "succeeded")}
