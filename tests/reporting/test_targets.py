"""The target catalogue (reporting/targets.py): one entry per target, limits only as data, words in the language."""
from __future__ import annotations

import ast
import datetime
import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from meetings.choices import Category
from meetings.models import Conference
from reform.models import Target, TargetThreshold
from reform.thresholds import SPEECH_KEYS
from reporting import selectors, targets
from reporting.dashboards import forecasts, offending_conferences
from tests.factories import UnitFactory
from tests.reporting.factories_dash import result_for

ROOT = Path(__file__).resolve().parents[2]
SEED = importlib.import_module("reform.migrations.0003_seed_targets")
# Code that states what the targets are to the pages, the engine and the files (migrations are the data's home).
SCANNED = [ROOT / "reporting", ROOT / "reports", ROOT / "templates" / "reporting", ROOT / "templates" / "reports"]


# -- the catalogue and the data agree ------------------------------------------------------------------------------
def test_every_seeded_target_has_one_catalogue_entry_and_no_entry_lacks_a_target():
    assert set(targets.CATALOGUE) == {row[0] for row in SEED.TARGETS}


def test_each_entry_reads_measures_the_engine_aggregates():
    measures = {*selectors.DOCUMENT_MEASURES, *selectors.CONFERENCE_MEASURES, *selectors.DIGITIZATION_MEASURES}
    for entry in targets.CATALOGUE.values():
        read = {m for m in vars(entry.reads).values() if m is not None}
        assert read and read <= measures, entry.code


def test_the_catalogue_defines_every_rule_measure_of_the_conference_counts_and_only_those():
    assert set(targets.conference_conditions({})) == set(selectors.RULE_MEASURES)


def test_speech_limits_are_the_parameters_a_threshold_may_hold_and_every_category_has_a_duration_rule():
    assert tuple(limit.parameter for limit in targets.SPEECH) == SPEECH_KEYS
    assert set(targets.DURATION_RULES) == set(Category)


def test_only_caps_are_counts_and_the_report_files_ask_the_same_rule():
    from reform import thresholds
    from reports import exports

    assert exports.is_count is thresholds.is_count
    assert thresholds.is_count("count_lte")
    assert not any(thresholds.is_count(c) for c in ("reduction_gte", "share_lte", "share_gte", "all_comply"))


@pytest.mark.django_db
def test_a_target_is_a_cap_by_its_comparison_in_the_database():
    caps = {t.code for t in Target.objects.all() if t.is_cap}
    assert caps == {row[0] for row in SEED.TARGETS if row[2] == "count_lte"}


@pytest.mark.django_db
def test_a_speech_violation_in_sql_and_a_broken_limit_in_python_are_the_same_rule():
    """The engine counts offending conferences in SQL and keeps each one's figures in Python: one rule for both."""
    unit = UnitFactory(code="00070", level="commune")
    parameters = {"opening_max_min": 10, "closing_total_max_min": 50, "presentation_max_min": 10}
    figures = [(None, None, None), (10, 50, 10), (11, 50, 10), (10, 51, 9), (5, 20, 11), (None, 60, None)]
    for i, (opening, closing, presentation) in enumerate(figures):
        Conference.objects.create(
            unit=unit, title=f"Hội nghị {i}", held_on=datetime.date(2026, 3, 1 + i), duration_days=Decimal("0.5"),
            category="professional", format="online", opening_speech_min=opening, closing_speeches_min=closing,
            longest_presentation_min=presentation)
    entry = targets.CATALOGUE[targets.SPEECH_LIMITS]
    in_sql = set(Conference.objects.filter(entry.violation(parameters)).values_list("title", flat=True))
    in_python = {row["title"] for row in Conference.objects.values()
                 if any(limit.broken(row, parameters) for limit in targets.SPEECH)}
    assert in_sql == in_python == {"Hội nghị 2", "Hội nghị 3", "Hội nghị 4", "Hội nghị 5"}


# -- no threshold or limit written in the code -----------------------------------------------------------------------
def _seeded_limits() -> tuple[set[Decimal], set[Decimal]]:
    """(fractions, limits): the seeded thresholds that are fractions below 1, and every seeded parameter value."""
    fractions, limits = set(), set()
    for _code, _clause, comparison, _applies, threshold, parameters, *_names in SEED.TARGETS:
        if comparison != "count_lte" and Decimal(threshold) < 1:
            fractions.add(Decimal(threshold))
        for value in parameters.values():
            for limit in (value.values() if isinstance(value, dict) else [value]):
                limits.add(Decimal(str(limit)))
    return fractions, limits


FRACTIONS, LIMITS = _seeded_limits()
PERCENTS = {fraction * 100 for fraction in FRACTIONS}
UNITS = r"(?:minutes?|min|phút|days?|ngày)"


def _as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None


def _text_findings(text: str) -> list[str]:
    """Thresholds and limits written in a text: a seeded fraction (0.40, 0.1500), its percentage (40 %) or a seeded
    limit with its unit (10 minutes, 1,5 ngày, half a day)."""
    found = []
    for match in re.finditer(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w.,]*\d)", text):
        number = _as_decimal(match.group())
        after = text[match.end():match.end() + 12]
        if number in FRACTIONS and "." in match.group():
            found.append(match.group())
        elif number in PERCENTS and re.match(r"\s*%(?!\()", after):
            found.append(match.group() + " %")
        elif number in LIMITS and re.match(rf"\s*{UNITS}\b", after):
            found.append(match.group() + after.split()[0] if after.split() else match.group())
    found += re.findall(r"half a day|nửa ngày", text)
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _python_findings(source: str) -> list[str]:
    """Thresholds and limits as literals in Python: in strings (not docstrings: they may give an example), and as
    numbers handed to Decimal/Fraction or compared with something."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found += [f"line {node.lineno}: {hit!r}" for hit in _text_findings(node.value)]
        numbers = []
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "Decimal", "Fraction"):
            numbers = node.args
        elif isinstance(node, ast.Compare):
            numbers = [node.left, *node.comparators]
        for arg in numbers:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, float) and (
                    Decimal(str(arg.value)) in FRACTIONS | LIMITS):
                found.append(f"line {arg.lineno}: {arg.value!r}")
    return found


def test_the_literal_finder_finds_the_fallbacks_and_the_rule_texts_of_before():
    """The check below can fail: what the code held before the catalogue (584e257) is found."""
    assert _python_findings('t = Decimal(r.threshold if r.threshold is not None else "0.40")')
    assert _python_findings('t = Decimal(r.threshold if r.threshold is not None else "0.95")')
    assert _python_findings('x = gettext_lazy("opening speech at most 10 minutes, closing speeches at most 50 '
                            'minutes in total")')
    assert _python_findings('x = _("dissemination conferences at most half a day")')
    assert _python_findings("if share <= 0.4:\n    pass")
    assert _text_findings("<p>Ít nhất 95 % văn bản được số hóa</p>")
    assert not _python_findings('"""Exactly 15 % is met (a docstring\'s example)."""\nx = "%(pct)s %%"\n')


def test_no_threshold_or_limit_is_written_in_the_reporting_and_reports_code():
    findings = []
    for top in SCANNED:
        for path in sorted(top.rglob("*")):
            if "migrations" in path.parts or path.suffix not in (".py", ".html"):
                continue
            text = path.read_text(encoding="utf-8")
            hits = _python_findings(text) if path.suffix == ".py" else _text_findings(text)
            findings += [f"{path.relative_to(ROOT)}: {hit}" for hit in hits]
    assert not findings, "thresholds and limits are data (reform.TargetThreshold), not code:\n" + "\n".join(findings)


# -- words in the active language, limits from the data ------------------------------------------------------------
def _duration_offence() -> dict:
    return {"offenders": [{"id": 4242, "title": "Hội nghị quán triệt", "held_on": "2026-03-02",
                           "category": "dissemination", "figure": "1.0", "limit": "0.5"}], "offenders_total": 1}


def test_a_listed_conference_gives_its_figures_and_date_in_vietnamese():
    with translation.override("vi"):
        [item] = offending_conferences(_duration_offence(), targets.CONFERENCE_DURATION)
    assert item["reason"] == "1,0 ngày, tối đa được phép 0,5"
    assert item["held_on"] == "02/03/2026"


def test_a_listed_conference_gives_its_figures_and_date_in_english():
    with translation.override("en"):
        [item] = offending_conferences(_duration_offence(), targets.CONFERENCE_DURATION)
    assert item["reason"] == "1.0 days, at most 0.5 allowed"
    assert item["held_on"] == "03/02/2026"


def test_budget_and_speech_reasons_group_their_numbers_for_the_language():
    budget = {"offenders": [{"id": 1, "title": "x", "held_on": "2026-01-05", "figure": 12500000, "limit": 10000000}]}
    speech = {"offenders": [{"id": 2, "title": "y", "held_on": "2026-01-05", "figure": {"opening_speech_min": 12},
                             "limit": {"opening_speech_min": 10}}]}
    with translation.override("vi"):
        assert offending_conferences(budget, targets.CONFERENCE_BUDGET)[0]["reason"] == (
            "đã chi 12.500.000 đồng trên dự toán 10.000.000 đồng")
        assert offending_conferences(speech, targets.SPEECH_LIMITS)[0]["reason"] == "phát biểu khai mạc 12 phút, tối đa 10"


@pytest.mark.django_db
def test_the_outlook_states_each_rule_with_the_limits_of_the_threshold_in_force(tree):
    TargetThreshold.objects.filter(target_id="CONFERENCE_DURATION").update(
        parameters={"max_days": {"dissemination": "0.75", "professional": "1", "important": "1.5"}})
    TargetThreshold.objects.filter(target_id="SPEECH_LIMITS").update(
        parameters={"opening_max_min": 12, "closing_total_max_min": 45, "presentation_max_min": 8})
    result_for(tree["01"], "CONFERENCE_DURATION", "met")
    result_for(tree["01"], "SPEECH_LIMITS", "met")
    with translation.override("vi"):
        outlook = {row["target"].code: row["advice"] for row in forecasts.officer_outlook(tree["01"], 2026)}
    assert outlook["CONFERENCE_DURATION"] == (
        "Mọi hội nghị tiếp theo phải tuân thủ quy định: hội nghị quán triệt không quá 0,75 ngày, hội nghị chuyên môn "
        "không quá 1 ngày, hội nghị thảo luận quan trọng không quá 1,5 ngày.")
    assert "phát biểu khai mạc không quá 12 phút" in outlook["SPEECH_LIMITS"]
    assert "phát biểu kết luận tổng cộng không quá 45 phút" in outlook["SPEECH_LIMITS"]
    assert "mỗi tham luận không quá 8 phút" in outlook["SPEECH_LIMITS"]
    with translation.override("en"):
        outlook = {row["target"].code: row["advice"] for row in forecasts.officer_outlook(tree["01"], 2026)}
    assert "dissemination conferences at most 0.75 days" in outlook["CONFERENCE_DURATION"]
    assert "opening speech at most 12 minutes" in outlook["SPEECH_LIMITS"]


@pytest.mark.django_db
def test_the_outlook_percentages_follow_the_threshold_and_the_language(tree):
    result_for(tree["01"], "MEETING_ONLINE_SHARE", "met", numerator=3, denominator=10, value=Decimal("0.3"),
               threshold=Decimal("0.3750"))
    with translation.override("vi"):
        advice = {row["target"].code: row["advice"] for row in forecasts.officer_outlook(tree["01"], 2026)}
    # floor((0.375 × 10 − 3) / 0.625) = 1 more in-person conference keeps it at most 37,5 %.
    assert "37,5 %" in advice["MEETING_ONLINE_SHARE"] and "1 " in advice["MEETING_ONLINE_SHARE"]
